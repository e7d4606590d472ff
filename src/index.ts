/**
 * The library entry point (`import … from 'connect-telemetry'`): the walker,
 * the summary, the payload and the catalogue, for tools that want the
 * sidecar's answers without running it, and `run` for the command line.
 */
export { run } from './cli/program.ts';
export { walkComponents, type ComponentRef } from './config/walk-components.ts';
export { summarise, allComponents } from './config/summarise.ts';
export { buildPayload, type Payload } from './sidecar/send/payload.ts';
export { createCatalogue, CATEGORIES, type Catalogue, type Category } from './catalogue/catalogue.ts';
export { bundledCatalogue, loadCatalogue } from './catalogue/load-catalogue.ts';
