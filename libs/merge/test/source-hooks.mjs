// Lets a child Node process run this workspace's TypeScript sources (with
// --experimental-transform-types): sources import siblings as `./x.js` (NodeNext style), so a `.js`
// specifier that does not exist is retried as `.ts`; workspace packages resolve to their sources
// through the `@xreason/source` export condition, as under Vitest.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const withSources = { ...context, conditions: [...(context.conditions ?? []), '@xreason/source'] };
    try {
      return nextResolve(specifier, withSources);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('.') || !specifier.endsWith('.js'))
        throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, withSources);
    }
  },
});
