import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../bindings/errorKinds';
import { errorTitle, isIpcError, toIpcError } from './errors';

describe('toIpcError', () => {
  it('passes an IpcError through', () => {
    const e = {
      kind: 'graphThrottled',
      message: 'Slow down',
      remediation: 'Wait',
      requestId: 'r-1',
    };
    expect(toIpcError(e)).toEqual(e);
  });

  it('fills a missing remediation and request id', () => {
    expect(toIpcError({ kind: 'network', message: 'Down' })).toEqual({
      kind: 'network',
      message: 'Down',
      remediation: '',
      requestId: null,
    });
  });

  it('wraps strings and Errors as internal errors', () => {
    expect(toIpcError('command provision not found')).toMatchObject({
      kind: 'internal',
      message: 'command provision not found',
    });
    expect(toIpcError(new Error('boom'))).toMatchObject({ kind: 'internal', message: 'boom' });
  });

  it('rejects unknown kinds', () => {
    expect(isIpcError({ kind: 'nope', message: 'x' })).toBe(false);
  });

  it('knows every kind the backend sends', () => {
    expect(ERROR_KINDS).toContain('keyNoPermission');
    for (const kind of ERROR_KINDS) expect(isIpcError({ kind, message: 'x' })).toBe(true);
  });

  it('has a title for every kind', () => {
    expect(errorTitle('pinBlocked')).toMatch(/PIN/);
    for (const kind of ERROR_KINDS) expect(errorTitle(kind)).toMatch(/\w/);
  });
});
