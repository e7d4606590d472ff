export { run } from './cli/program.ts';
export { walkComponents, type ComponentRef } from './config/walk-components.ts';
export { summarise, allComponents } from './config/summarise.ts';
export { buildPayload, type Payload } from './sidecar/send/payload.ts';
export { createCatalogue, CATEGORIES, type Catalogue, type Category } from './catalogue/catalogue.ts';
export { bundledCatalogue, loadCatalogue } from './catalogue/load-catalogue.ts';
