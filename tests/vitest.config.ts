import { projectTestConfig } from '../vitest.shared.js';

// Cross-project tests live in folders by subject (lint/, cli/, kafka/), not under src/.
export default projectTestConfig(import.meta.dirname, { include: ['**/*.spec.ts'], exclude: ['node_modules/**'] });
