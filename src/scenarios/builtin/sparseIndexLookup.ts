import { scenario } from '../Scenario';

export default scenario({
  name: 'sparse-index-lookup',
  title: 'How the sparse offset index finds an offset',
  teaches: `A segment's .index file does not list every offset. Kafka adds an entry (offset → byte position) only when more than index.interval.bytes (4096) of batches were appended since the last entry, counting before the new batch, so the first batch of a segment is never indexed. To find an offset, the broker binary-searches the index for the largest entry at or below it, then scans batch headers forward from that position. Here each record is its own 1070-byte batch: an entry every 4 batches, so a lookup scans at most 4 headers. With index.interval.bytes at 64 KiB the index is 16 times smaller and lookups scan up to 62 headers: index size traded for scan length.`,
})
  .createTopic('dense')
  .produce('dense', { count: 200, 'value-bytes': 1000, interval: '1ms' })
  .lookupOffset('dense', 0, { as: 'first' })
  .expect('first.indexSlot', { equals: -1, because: 'the first batch of a segment is never indexed: no entry at or below offset 0' })
  .lookupOffset('dense', 10, { as: 'ten' })
  .expect('ten.indexOffset', { equals: 8, because: 'entries sit at offsets 4, 8, 12, ...: every 4 batches of 1070 bytes (4280 > 4096)' })
  .expect('ten.batchesScanned', { equals: 3, because: 'from offset 8: batches 8, 9 and 10' })
  .createTopic('sparse', { config: { 'index.interval.bytes': 65_536 } })
  .produce('sparse', { count: 200, 'value-bytes': 1000, interval: '1ms' })
  .lookupOffset('sparse', 150, { as: 'sparse150' })
  .expect('sparse150.indexOffset', { equals: 124, because: 'with 64 KiB between entries, one lands every 62 batches: 62, 124, 186' })
  .expect('sparse150.batchesScanned', { equals: 27 })
  .build();
