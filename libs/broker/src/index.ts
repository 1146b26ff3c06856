export { startBroker, type Broker, type BrokerOptions } from './broker.js';
export { spawnBrokerProcess, type BrokerProcess, type BrokerProcessOptions } from './child.js';
export { type BrokerLogger } from './logger.js';
