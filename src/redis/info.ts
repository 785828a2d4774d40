/**
 * INFO, after server.c genRedisInfoString (Redis 7.0): `# Section` headers,
 * `field:value` lines ending in CRLF, an empty line between sections.
 *
 * Sections modelled: server, clients, persistence, stats, replication,
 * errorstats, cluster, keyspace. Memory and cpu are not: they would be
 * figures about a process that does not exist. Within stats only the fields
 * this server really counts are printed (a subset of 7.0's list); the other
 * sections print every 7.0 field. Persistence fields come from the
 * Persistence (idle values without one) and are named exactly as 7.0
 * prints them.
 */
import { asciiLower } from './numbers';
import type { PersistenceInfo } from './Persistence';
import { DB_COUNT } from './RedisValue';
import type { RedisServer } from './RedisServer';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];

type SectionWriter = (server: RedisServer) => string;

const WRITERS: readonly (readonly [string, SectionWriter])[] = [
  ['server', serverSection],
  ['clients', clientsSection],
  ['persistence', persistenceSection],
  ['stats', statsSection],
  ['replication', replicationSection],
  ['errorstats', errorstatsSection],
  ['cluster', () => '# Cluster\r\ncluster_enabled:0\r\n'],
  ['keyspace', keyspaceSection],
];

/** genInfoSectionDict + genRedisInfoString for INFO's arguments. */
export function infoString(server: RedisServer, args: readonly string[]): string {
  let all = false;
  const wanted = new Set<string>();
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const arg of args) {
    const name = asciiLower(arg);
    if (name === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (name === 'all' || name === 'everything') all = true;
    else wanted.add(name);
  }
  const parts: string[] = [];
  for (const [name, write] of WRITERS) if (all || wanted.has(name)) parts.push(write(server));
  return parts.join('\r\n');
}

function lines(header: string, fields: readonly (readonly [string, string | number])[]): string {
  let out = `# ${header}\r\n`;
  for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  return out;
}

function serverSection(server: RedisServer): string {
  const uptimeSec = Math.floor((server.nowMs - server.startedAtMs) / 1000);
  return lines('Server', [
    ['redis_version', '7.0.15'],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'faultline'],
    ['redis_mode', 'standalone'],
    ['os', 'Linux faultline-sim x86_64'],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '12.2.0'],
    ['process_id', server.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', server.nowMs * 1000],
    ['uptime_in_seconds', uptimeSec],
    ['uptime_in_days', Math.floor(uptimeSec / 86400)],
    ['hz', server.config.get('hz')],
    ['configured_hz', server.config.get('hz')],
    // LRU_CLOCK: seconds, 24 bits (LRU_CLOCK_RESOLUTION 1000 ms).
    ['lru_clock', Math.floor(server.nowMs / 1000) % (1 << 24)],
    ['executable', ''],
    ['config_file', ''],
    ['io_threads_active', 0],
  ]);
}

function clientsSection(server: RedisServer): string {
  return lines('Clients', [
    ['connected_clients', server.connectedClients],
    ['cluster_connections', 0],
    ['maxclients', 10000],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', 0],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ]);
}

function persistenceSection(server: RedisServer): string {
  const p: PersistenceInfo = server.persistence.info();
  const fields: [string, string | number][] = [
    ['loading', p.loading],
    ['async_loading', p.async_loading],
    ['current_cow_peak', p.current_cow_peak],
    ['current_cow_size', p.current_cow_size],
    ['current_cow_size_age', p.current_cow_size_age],
    ['current_fork_perc', p.current_fork_perc.toFixed(2)],
    ['current_save_keys_processed', p.current_save_keys_processed],
    ['current_save_keys_total', p.current_save_keys_total],
    ['rdb_changes_since_last_save', server.dirty],
    ['rdb_bgsave_in_progress', p.rdb_bgsave_in_progress],
    ['rdb_last_save_time', p.rdb_last_save_time],
    ['rdb_last_bgsave_status', p.rdb_last_bgsave_status],
    ['rdb_last_bgsave_time_sec', p.rdb_last_bgsave_time_sec],
    ['rdb_current_bgsave_time_sec', p.rdb_current_bgsave_time_sec],
    ['rdb_saves', p.rdb_saves],
    ['rdb_last_cow_size', p.rdb_last_cow_size],
    ['rdb_last_load_keys_expired', p.rdb_last_load_keys_expired],
    ['rdb_last_load_keys_loaded', p.rdb_last_load_keys_loaded],
    ['aof_enabled', p.aof_enabled],
    ['aof_rewrite_in_progress', p.aof_rewrite_in_progress],
    ['aof_rewrite_scheduled', p.aof_rewrite_scheduled],
    ['aof_last_rewrite_time_sec', p.aof_last_rewrite_time_sec],
    ['aof_current_rewrite_time_sec', p.aof_current_rewrite_time_sec],
    ['aof_last_bgrewrite_status', p.aof_last_bgrewrite_status],
    ['aof_rewrites', p.aof_rewrites],
    ['aof_rewrites_consecutive_failures', p.aof_rewrites_consecutive_failures],
    ['aof_last_write_status', p.aof_last_write_status],
    ['aof_last_cow_size', p.aof_last_cow_size],
    ['module_fork_in_progress', p.module_fork_in_progress],
    ['module_fork_last_cow_size', p.module_fork_last_cow_size],
  ];
  if (server.config.get('appendonly')) {
    const a = p.aof;
    fields.push(
      ['aof_current_size', a.aof_current_size],
      ['aof_base_size', a.aof_base_size],
      ['aof_pending_rewrite', a.aof_pending_rewrite],
      ['aof_buffer_length', a.aof_buffer_length],
      ['aof_pending_bio_fsync', a.aof_pending_bio_fsync],
      ['aof_delayed_fsync', a.aof_delayed_fsync],
    );
  }
  return lines('Persistence', fields);
}

function statsSection(server: RedisServer): string {
  const s = server.stats;
  const p = server.persistence.info();
  return lines('Stats', [
    ['total_connections_received', s.totalConnectionsReceived],
    ['total_commands_processed', s.totalCommandsProcessed],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', (server.activeExpire.expiredStalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', server.activeExpire.timeCapReachedCount],
    ['keyspace_hits', server.ks.hits],
    ['keyspace_misses', server.ks.misses],
    ['latest_fork_usec', p.latest_fork_usec],
    ['total_forks', p.total_forks],
    ['total_error_replies', s.totalErrorReplies],
  ]);
}

function replicationSection(server: RedisServer): string {
  return lines('Replication', [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ]);
}

function errorstatsSection(server: RedisServer): string {
  const codes = [...server.stats.errorCounts.keys()].sort();
  return lines(
    'Errorstats',
    codes.map((code) => [`errorstat_${code}`, `count=${server.stats.errorCounts.get(code)}`]),
  );
}

function keyspaceSection(server: RedisServer): string {
  const fields: [string, string][] = [];
  for (let db = 0; db < DB_COUNT; db++) {
    const keys = server.ks.keyCount(db);
    const expires = server.ks.volatileCount(db);
    if (keys > 0 || expires > 0) {
      fields.push([`db${db}`, `keys=${keys},expires=${expires},avg_ttl=${server.activeExpire.avgTtlMs[db]}`]);
    }
  }
  return lines('Keyspace', fields);
}
