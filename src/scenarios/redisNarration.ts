/**
 * The sentences a learner reads for what simulated Redis hosts do: the
 * server's own log lines (notice and warning, as its logfile shows them),
 * process deaths and power losses; with --verbose also each AOF write and
 * fsync, forks, and time the event loop spent blocked.
 */
import type { TraceRecord } from '../sim/Trace';
import { defineNarration } from './narrate';

const s = (r: TraceRecord, k: string): string => String(r[k]);
const n = (r: TraceRecord, k: string): number => r[k] as number;

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

defineNarration('redis.log', (r) => `${s(r, 'host')} ${s(r, 'pid')}:${s(r, 'role')} ${s(r, 'level') === 'warning' ? '# ' : ''}${s(r, 'message')}`);
defineNarration('redis.log.detail', (r) => `${s(r, 'host')} ${s(r, 'pid')}:${s(r, 'role')} ${s(r, 'message')}`, { verbose: true });
defineNarration('redis.host.start', (r) => `${s(r, 'host')}: redis-server (pid ${n(r, 'pid')}) is up with ${n(r, 'keys')} key(s)`);
defineNarration('redis.host.start-failed', (r) => {
  // A config error is on redis-server's stderr, not in its log.
  const stderr = (r.stderr as readonly string[] | undefined)?.filter((line) => line !== '') ?? [];
  const said = stderr.length > 0 ? `; stderr: ${stderr.join(' / ')}` : '';
  return `${s(r, 'host')}: redis-server (pid ${n(r, 'pid')}) exited with status ${n(r, 'exitCode')} while starting${said}`;
});
defineNarration('redis.crash', (r) => `${s(r, 'host')}: redis-server (pid ${n(r, 'pid')}) killed; what it wrote is still in the page cache, its AOF buffer is gone`);
defineNarration('redis.power-loss', (r) => {
  const torn = r.tornFiles as readonly string[];
  return `${s(r, 'host')}: power lost; every byte not yet on the platter is gone${torn.length > 0 ? ` (torn tail: ${torn.join(', ')})` : ''}`;
});
defineNarration('redis.exit', (r) => `${s(r, 'host')}: redis-server (pid ${n(r, 'pid')}) exited with status ${n(r, 'code')} (${s(r, 'reason')})`);
/** 20971520 ⇒ "20,971,520". */
function grouped(bytes: number): string {
  return String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

defineNarration(
  'redis.oom-kill',
  (r) =>
    `${s(r, 'host')}: kernel: Out of memory: Killed process ${n(r, 'pid')} (redis-server): dataset plus pages copied on write ${grouped(n(r, 'rssBytes'))} bytes > RAM ${grouped(n(r, 'memoryBytes'))} bytes`,
);
defineNarration(
  'redis.fork',
  (r) =>
    `${s(r, 'host')}: fork() for the ${s(r, 'child') === 'rdb' ? 'BGSAVE' : 'AOF rewrite'} child ${n(r, 'pid')}: used_memory ${mb(n(r, 'usedMemoryBytes'))}, ${n(r, 'forkUsec')} µs, ${mb(n(r, 'imageBytes'))} to write`,
  { verbose: true },
);
defineNarration(
  'redis.child-exit',
  (r) => `${s(r, 'host')}: child ${n(r, 'pid')} exited (status ${n(r, 'exitCode')}${n(r, 'signal') ? `, signal ${n(r, 'signal')}` : ''}), ${mb(n(r, 'cowBytes'))} copied on write`,
  { verbose: true },
);
defineNarration(
  'redis.aof',
  (r) => {
    const event = s(r, 'event');
    const file = s(r, 'file').slice(s(r, 'file').lastIndexOf('/') + 1);
    if (event === 'write') return `${s(r, 'host')}: AOF write of ${n(r, 'bytes')} bytes to ${file} (page cache)`;
    if (event === 'fsync-start') return `${s(r, 'host')}: background fsync of ${file} up to ${n(r, 'bytes')} bytes started`;
    if (event === 'fsync') return `${s(r, 'host')}: ${file} durable up to ${n(r, 'bytes')} bytes`;
    if (event === 'postponed') return `${s(r, 'host')}: AOF write postponed: an fsync is still running`;
    return `${s(r, 'host')}: AOF ${event}${r.errno ? ` (${s(r, 'errno')})` : ''}`;
  },
  { verbose: true },
);
defineNarration('redis.blocked', (r) => `${s(r, 'host')}: event loop blocked ${n(r, 'ms')} ms (${s(r, 'why')})`, { verbose: true });
