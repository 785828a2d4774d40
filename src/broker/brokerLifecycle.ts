/**
 * The life of a broker host as an explicit state machine (xstate), driven
 * only through xstate's pure `transition()`: each event gives the next state
 * and the actions to run, which the Broker executes itself. No xstate actor,
 * clock or delayed event is used (they read Math.random and Date.now).
 *
 *   stopped ──START──▶ recovering ──RECOVERED──▶ running
 *   running ──SHUTDOWN──▶ controlled-shutdown ──SHUTDOWN_COMPLETE──▶ stopped
 *   running | recovering | controlled-shutdown ──CRASH──▶ crashed
 *   any but powered-off ──POWER_LOSS──▶ powered-off
 *   crashed | powered-off ──START──▶ recovering
 *
 * A crash kills the process and keeps the page cache (the kernel still has
 * every write); a power loss also drops what the disk had not made durable.
 * Recovery runs log recovery unless the last shutdown was clean.
 */
import { setup, initialTransition, transition } from 'xstate';
import { assert } from '../sim/assert';

export type BrokerState = 'stopped' | 'recovering' | 'running' | 'controlled-shutdown' | 'crashed' | 'powered-off';

export type BrokerLifecycleEvent =
  | { readonly type: 'START' }
  | { readonly type: 'RECOVERED' }
  | { readonly type: 'SHUTDOWN' }
  | { readonly type: 'SHUTDOWN_COMPLETE' }
  | { readonly type: 'CRASH' }
  | { readonly type: 'POWER_LOSS' };

/** The effects a transition asks the Broker to perform, in order. */
export type BrokerLifecycleAction = 'startProcess' | 'register' | 'beginControlledShutdown' | 'completeCleanShutdown' | 'killProcess' | 'dropPageCache';

const noop = (): void => {};

export const brokerLifecycleMachine = setup({
  types: { events: {} as BrokerLifecycleEvent },
  actions: {
    startProcess: noop,
    register: noop,
    beginControlledShutdown: noop,
    completeCleanShutdown: noop,
    killProcess: noop,
    dropPageCache: noop,
  },
}).createMachine({
  id: 'broker',
  initial: 'stopped',
  states: {
    stopped: {
      on: {
        START: { target: 'recovering', actions: ['startProcess'] },
        POWER_LOSS: { target: 'powered-off', actions: ['dropPageCache'] },
      },
    },
    recovering: {
      on: {
        RECOVERED: { target: 'running', actions: ['register'] },
        CRASH: { target: 'crashed', actions: ['killProcess'] },
        POWER_LOSS: { target: 'powered-off', actions: ['killProcess', 'dropPageCache'] },
      },
    },
    running: {
      on: {
        SHUTDOWN: { target: 'controlled-shutdown', actions: ['beginControlledShutdown'] },
        CRASH: { target: 'crashed', actions: ['killProcess'] },
        POWER_LOSS: { target: 'powered-off', actions: ['killProcess', 'dropPageCache'] },
      },
    },
    'controlled-shutdown': {
      on: {
        SHUTDOWN_COMPLETE: { target: 'stopped', actions: ['completeCleanShutdown'] },
        CRASH: { target: 'crashed', actions: ['killProcess'] },
        POWER_LOSS: { target: 'powered-off', actions: ['killProcess', 'dropPageCache'] },
      },
    },
    crashed: {
      on: {
        START: { target: 'recovering', actions: ['startProcess'] },
        POWER_LOSS: { target: 'powered-off', actions: ['dropPageCache'] },
      },
    },
    'powered-off': {
      on: {
        START: { target: 'recovering', actions: ['startProcess'] },
      },
    },
  },
});

type Snapshot = ReturnType<typeof initialTransition<typeof brokerLifecycleMachine>>[0];

const ACTIONS: ReadonlySet<string> = new Set<BrokerLifecycleAction>(['startProcess', 'register', 'beginControlledShutdown', 'completeCleanShutdown', 'killProcess', 'dropPageCache']);

interface Step {
  readonly next: Snapshot;
  readonly actions: readonly BrokerLifecycleAction[];
}

/**
 * `transition()` is pure and this machine has no context, so the outcome of
 * an event depends on the state alone: each (state, event) pair is computed
 * once through xstate and then reused (a transition builds an inert actor
 * scope, which costs tens of microseconds; property tests make thousands).
 */
const steps = new Map<string, Step | null>();

function step(snapshot: Snapshot, event: BrokerLifecycleEvent): Step | null {
  const key = `${String(snapshot.value)}|${event.type}`;
  let found = steps.get(key);
  if (found === undefined) {
    if (!snapshot.can(event)) {
      found = null;
    } else {
      const [next, actions] = transition(brokerLifecycleMachine, snapshot, event);
      found = {
        next,
        actions: actions.map((a) => {
          assert(ACTIONS.has(a.type), () => `unknown broker lifecycle action ${a.type}`);
          return a.type as BrokerLifecycleAction;
        }),
      };
    }
    steps.set(key, found);
  }
  return found;
}

let initial: Snapshot | undefined;

/** Snapshots are immutable, so every broker can start from the same one. */
function initialSnapshot(): Snapshot {
  if (initial === undefined) {
    const [snapshot, actions] = initialTransition(brokerLifecycleMachine);
    assert(actions.length === 0, 'the broker lifecycle starts without actions');
    initial = snapshot;
  }
  return initial;
}

/** A broker's lifecycle state, advanced only by `send`. */
export class BrokerLifecycle {
  private snapshot: Snapshot;

  constructor() {
    this.snapshot = initialSnapshot();
  }

  get state(): BrokerState {
    return this.snapshot.value as BrokerState;
  }

  /** Whether `event` changes anything in the current state. */
  accepts(event: BrokerLifecycleEvent): boolean {
    return step(this.snapshot, event) !== null;
  }

  /** Apply an event; returns the actions to perform (none when the event does not apply). */
  send(event: BrokerLifecycleEvent): readonly BrokerLifecycleAction[] {
    const found = step(this.snapshot, event);
    if (found === null) return [];
    this.snapshot = found.next;
    return found.actions;
  }
}
