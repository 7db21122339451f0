#!/usr/bin/env node
// A stand-in for the operator's browser, for `$BROWSER`: given the simulated tenant's
// authorize URL, it reads the sign-in page, submits its form with "Sign in" (as a person
// clicking the button would) and follows the redirect to the app's loopback listener,
// which receives the authorization code. Nothing secret is printed. Exits non-zero, with
// a sentence on stderr, when any step fails; each request has its own timeout.
const TIMEOUT_MS = 10_000;
const say = (text) => process.stderr.write(`[sim-browser] ${text}\n`);

async function main() {
  const page = process.argv[2];
  if (!page) throw new Error('usage: sim-browser.mjs AUTHORIZE_URL');
  const url = new URL(page);
  const form = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const html = await form.text();
  if (form.status !== 200 || !html.includes('id="signin"')) {
    throw new Error(`the sign-in page answered ${form.status} without a "Sign in" button`);
  }
  // The form carries the authorize request's parameters as hidden fields; the simulator
  // reads the same pairs from the query, so they are posted back from there.
  const body = new URLSearchParams(url.searchParams);
  body.set('action', 'signin');
  const submitted = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const back = submitted.headers.get('location');
  if (submitted.status !== 302 || !back) throw new Error(`the sign-in form answered ${submitted.status}`);
  if (new URL(back).searchParams.has('error')) throw new Error('the simulated tenant refused the sign-in');
  const delivered = await fetch(back, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  say(`signed in; the app's listener answered ${delivered.status}`);
}

main().catch((e) => {
  say(`FAIL: ${e.message}`);
  process.exit(1);
});
