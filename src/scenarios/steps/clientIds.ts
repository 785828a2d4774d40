/**
 * A client's client.id is its endpoint on the cluster's network: responses
 * are delivered to that name. In a scenario a client.id therefore names one
 * client: a producer and a consumer cannot share one, and no client can take
 * a broker's name (`broker-2`) or the controller's. (Real Kafka clients may
 * share a client.id; it only labels their requests.)
 */
import { CONTROLLER_ENDPOINT } from '../../broker/Controller';
import type { World } from '../World';

/** A name no client can take, whatever the cluster: a broker's or the controller's. */
export function reservedClientIdProblem(clientId: string): string | null {
  if (clientId === CONTROLLER_ENDPOINT || /^broker-\d+$/.test(clientId)) {
    return `'${clientId}' is the network name of ${clientId === CONTROLLER_ENDPOINT ? 'the controller' : 'a broker'}; a client's client.id must be another`;
  }
  return null;
}

/**
 * What is wrong with a client step's name and the client.id its config gives:
 * steps find a client by its name, and its name is its client.id.
 */
export function clientNameProblems(kind: 'producer' | 'consumer', name: string, config: Readonly<Record<string, unknown>> | undefined): string[] {
  const problems: string[] = [];
  const clientId = config?.['client.id'];
  if (clientId !== undefined && String(clientId) !== name) {
    problems.push(`a ${kind}'s name is its client.id: leave 'client.id' out of its config, or name the ${kind} '${String(clientId)}'`);
  }
  const reserved = reservedClientIdProblem(name);
  if (reserved !== null) problems.push(reserved);
  return problems;
}

/** Why a new client of `kind` cannot have this client.id now, or null. */
export function clientIdTaken(world: World, clientId: string, kind: 'producer' | 'consumer'): string | null {
  if (kind === 'consumer' && world.kafka.producer(clientId) !== undefined) {
    return `client.id '${clientId}' is producer ${clientId}'s network endpoint; give the consumer another`;
  }
  if (kind === 'producer' && world.kafka.consumer(clientId) !== undefined) {
    return `client.id '${clientId}' is consumer ${clientId}'s network endpoint; give the producer another`;
  }
  return null;
}
