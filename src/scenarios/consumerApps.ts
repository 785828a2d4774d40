/**
 * The consumer applications of a world, by name, and the lookups steps and
 * probes share: a name is an application's, or else a consumer client's
 * `client.id`.
 */
import type { ConsumerApplication } from '../app/ConsumerApplication';
import type { KafkaConsumer } from '../broker/consumer/KafkaConsumer';
import type { World } from './World';

const appsByWorld = new WeakMap<World, Map<string, ConsumerApplication>>();

export function consumerApps(world: World): Map<string, ConsumerApplication> {
  let apps = appsByWorld.get(world);
  if (apps === undefined) appsByWorld.set(world, (apps = new Map()));
  return apps;
}

/** The consumer behind a name: an application's current consumer, or a consumer client. */
export function consumerNamed(world: World, name: string): KafkaConsumer | undefined {
  const app = consumerApps(world).get(name);
  if (app !== undefined) return app.consumer;
  return world.hasKafka ? world.kafka.consumer(name) : undefined;
}
