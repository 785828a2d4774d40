/**
 * How a 7.0 quicklist splits a list into nodes (quicklist.c), so that an RDB
 * of type 18 written here has the nodes Redis would have after RPUSHing the
 * elements one by one, and loads into the same shape.
 *
 * `list-max-listpack-size` (the quicklist "fill"): negative -1..-5 caps each
 * node's listpack at 4/8/16/32/64 KiB; positive caps its element count, with
 * an 8 KiB safety limit. Elements of 1 GiB or more get a PLAIN node of their
 * own. Size estimates use the element's raw length plus 8 bytes, as
 * _quicklistNodeAllowInsert does.
 */
import { QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN } from './rdbConstants';
import { listpackEntrySize, LP_HDR_SIZE } from './listpack';

const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const FILL_MAX = (1 << 15) - 1;
/** packed_threshold: elements this large live in PLAIN nodes. */
export const QUICKLIST_PACKED_THRESHOLD = 1 << 30;

export interface QuicklistNodeSpan {
  readonly container: typeof QUICKLIST_NODE_CONTAINER_PLAIN | typeof QUICKLIST_NODE_CONTAINER_PACKED;
  /** Elements [start, end) of the list. */
  readonly start: number;
  readonly end: number;
}

/** quicklistSetFill's clamp. */
function clampFill(fill: number): number {
  if (fill > FILL_MAX) return FILL_MAX;
  if (fill < -5) return -5;
  return fill;
}

function allowInsert(nodeBytes: number, nodeCount: number, fill: number, sz: number): boolean {
  const newSz = nodeBytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const offset = -fill - 1;
    if (offset < OPTIMIZATION_LEVEL.length && newSz <= OPTIMIZATION_LEVEL[offset]!) return true;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return nodeCount < fill;
}

/** The node boundaries quicklistPushTail produces for `elements`. */
export function quicklistSpans(elements: readonly string[], listMaxListpackSize: number): QuicklistNodeSpan[] {
  const fill = clampFill(listMaxListpackSize);
  const spans: QuicklistNodeSpan[] = [];
  let start = 0;
  let bytes = 0; // lpBytes of the open packed node, 0 when none is open
  let open = false;
  for (let i = 0; i < elements.length; i++) {
    const sz = elements[i]!.length;
    if (sz >= QUICKLIST_PACKED_THRESHOLD) {
      if (open) spans.push({ container: QUICKLIST_NODE_CONTAINER_PACKED, start, end: i });
      spans.push({ container: QUICKLIST_NODE_CONTAINER_PLAIN, start: i, end: i + 1 });
      open = false;
      continue;
    }
    if (open && allowInsert(bytes, i - start, fill, sz)) {
      bytes += listpackEntrySize(elements[i]!);
      continue;
    }
    if (open) spans.push({ container: QUICKLIST_NODE_CONTAINER_PACKED, start, end: i });
    open = true;
    start = i;
    bytes = LP_HDR_SIZE + 1 + listpackEntrySize(elements[i]!);
  }
  if (open) spans.push({ container: QUICKLIST_NODE_CONTAINER_PACKED, start, end: elements.length });
  return spans;
}
