//! CSV as RFC 4180 and Python's `csv` module write it: comma-separated fields, fields with
//! a comma, quote or line break in double quotes (a quote doubled inside), records ending
//! in CRLF. [`records`] reads such text (LF or CRLF, a quoted field may span lines) and
//! [`write_record`] writes one record.
//!
//! Not handled: other delimiters, or a quote in the middle of an unquoted field (kept as
//! it is, as Python's reader does).

/// One record and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Line number of the record's first character.
    pub line: usize,
    /// Its fields, unquoted.
    pub fields: Vec<String>,
}

/// Reads every record of `text`. Blank lines are skipped; an unterminated quoted field
/// runs to the end of the text.
pub fn records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start) = (1, 1);
    let (mut quoted, mut touched) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => {
                quoted = true;
                touched = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                touched = true;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                end_record(&mut out, &mut fields, &mut field, start, touched);
                line += 1;
                start = line;
                touched = false;
            }
            (false, c) => {
                field.push(c);
                touched = true;
            }
        }
    }
    end_record(&mut out, &mut fields, &mut field, start, touched);
    out
}

fn end_record(
    out: &mut Vec<Record>,
    fields: &mut Vec<String>,
    field: &mut String,
    line: usize,
    touched: bool,
) {
    if touched || !field.is_empty() {
        fields.push(std::mem::take(field));
        out.push(Record {
            line,
            fields: std::mem::take(fields),
        });
    }
}

/// Appends one record to `out`, quoting the fields that need it, ending in CRLF.
pub fn write_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_round_trip_and_keep_their_line_numbers() {
        let mut text = String::new();
        write_record(&mut text, &["a", "b,c", "say \"hi\"", "two\nlines", ""]);
        write_record(&mut text, &["next"]);
        assert_eq!(
            text,
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\nnext\r\n"
        );
        let read = records(&text);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].fields, ["a", "b,c", "say \"hi\"", "two\nlines", ""]);
        assert_eq!(read[1].line, 3);
        assert_eq!(read[1].fields, ["next"]);
    }

    #[test]
    fn blank_lines_are_skipped_and_lf_works() {
        let read = records("x,y\n\n\nz\n");
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].line, 4);
        assert!(records("").is_empty());
    }
}
