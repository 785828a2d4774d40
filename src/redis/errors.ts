/**
 * Error replies shared by the command families, with Redis 7.0's exact
 * texts (server.c createSharedObjects and the addReplyError calls of
 * object.c, t_string.c, expire.c, db.c).
 */
import { err, error, type ErrorReply } from './reply';

export const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX_ERROR = err('syntax error');
/** getLongLongFromObjectOrReply with no custom message. */
export const NOT_AN_INTEGER = err('value is not an integer or out of range');
export const INCR_OVERFLOW = err('increment or decrement would overflow');
export const DB_INDEX_OUT_OF_RANGE = err('DB index is out of range');
/** getPositiveLongFromObjectOrReply: also the reply for a non-integer. */
export const NOT_POSITIVE = err('value is out of range, must be positive');
export const EXECABORT = error('EXECABORT Transaction discarded because of previous errors.');

/** addReplyErrorArity: a command checking its own argument count. */
export function arityReply(fullname: string): ErrorReply {
  return err(`wrong number of arguments for '${fullname}' command`);
}

/** addReplyErrorExpireTime. */
export function invalidExpireTime(fullname: string): ErrorReply {
  return err(`invalid expire time in '${fullname}' command`);
}
