export { startBroker, type Broker, type BrokerOptions } from './broker.js';
export { type BrokerLogger } from './logger.js';
