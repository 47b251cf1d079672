import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConnectionError,
  DatabaseError,
  EdgePgError,
  ProtocolError,
} from '../../src/core/index.js';
import { pg } from './oracle.js';

describe('error hierarchy', () => {
  it('gives every error a stable code, a name and a place in the hierarchy', () => {
    const err = new ProtocolError('bad bytes');
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toBeInstanceOf(EdgePgError);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ConfigError);
    expect(err.code).toBe('EDGEPG_PROTOCOL');
    expect(err.name).toBe('ProtocolError');
    expect(String(err)).toBe('ProtocolError: bad bytes');
    expect(new ConnectionError('x', { cause: err }).cause).toBe(err);
  });

  it('re-exports the DatabaseError of pg-protocol, the class pg users catch', () => {
    expect(DatabaseError).toBe(pg.DatabaseError);
  });
});
