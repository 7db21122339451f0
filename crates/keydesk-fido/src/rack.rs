//! Keys that come and go (being written).
