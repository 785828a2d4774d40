/**
 * The bytes a save produces from a server's keyspace as it is now: an RDB
 * (dump.rdb, or an AOF base with aof-use-rdb-preamble yes) or an AOF base
 * in RESP commands. A forked child's view of the keyspace is the keyspace
 * at fork time, so a BGSAVE or BGREWRITEAOF encodes its image at the fork
 * and writes it out over the child's lifetime.
 *
 * The RDB type of each value is the encoding the server keeps for it
 * (Redis never converts a hashtable back to a listpack), not what the
 * contents alone would choose.
 */
import { encodeAofRewrite } from '../format/aofRewrite';
import { rdbTypeForObjectEncoding } from '../format/encodingConfig';
import { RDB_TYPE, type RdbObjectType } from '../format/rdbConstants';
import { encodeRdb } from '../format/rdbEncode';
import type { RedisServer } from '../RedisServer';
import type { RedisValue } from '../RedisValue';

function encodingConfig(server: RedisServer) {
  const c = server.config;
  return {
    'hash-max-listpack-entries': c.get('hash-max-listpack-entries'),
    'hash-max-listpack-value': c.get('hash-max-listpack-value'),
    'set-max-intset-entries': c.get('set-max-intset-entries'),
    'list-max-listpack-size': c.get('list-max-listpack-size'),
  };
}

function encodingOfFor(server: RedisServer) {
  const encodings = server.ks.encodings;
  return (_db: number, _key: string, value: RedisValue): RdbObjectType =>
    value.type === 'string' ? RDB_TYPE.STRING : rdbTypeForObjectEncoding(value.type, encodings.encodingOf(value));
}

/** rdbSaveRio's image of the keyspace. */
export function rdbImage(server: RedisServer, options: { readonly aofBase: boolean; readonly usedMemBytes: number }): Uint8Array {
  return encodeRdb(server.ks.dbs, {
    ...encodingConfig(server),
    nowMs: server.nowMs,
    usedMemBytes: options.usedMemBytes,
    aofBase: options.aofBase,
    rdbcompression: server.config.get('rdbcompression'),
    rdbchecksum: server.config.get('rdbchecksum'),
    encodingOf: encodingOfFor(server),
  });
}

/** rewriteAppendOnlyFileRio's image: the keyspace as RESP commands. */
export function aofCommandsImage(server: RedisServer): Uint8Array {
  return encodeAofRewrite(server.ks.dbs, {
    ...encodingConfig(server),
    nowMs: server.nowMs,
    aofTimestampEnabled: server.config.get('aof-timestamp-enabled'),
    encodingOf: encodingOfFor(server),
  });
}

/** What an AOF rewrite writes as the new base: an RDB preamble or commands. */
export function aofBaseImage(server: RedisServer, usedMemBytes: number): Uint8Array {
  return server.config.get('aof-use-rdb-preamble') ? rdbImage(server, { aofBase: true, usedMemBytes }) : aofCommandsImage(server);
}
