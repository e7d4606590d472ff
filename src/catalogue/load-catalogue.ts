/**
 * The thin edge of the catalogue: the bundled file, or a user's JSON schema.
 */
import { readFile } from 'node:fs/promises';
import { UserError, errorMessage } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { createCatalogue, type Catalogue, type CatalogueData } from './catalogue.ts';
import bundled from './connect-4.112.0.json' with { type: 'json' };

export function bundledCatalogue(): Catalogue {
  return createCatalogue(bundled as CatalogueData);
}

export async function loadCatalogue(schemaPath?: string): Promise<Catalogue> {
  if (schemaPath === undefined) return bundledCatalogue();
  let text: string;
  try {
    text = await readFile(schemaPath, 'utf8');
  } catch (error) {
    throw describeFsError(error, schemaPath, 'schema file');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${schemaPath} is not JSON (${errorMessage(error)}); ` +
        'produce it with `rpk connect list --format jsonschema > schema.json`',
    );
  }
  // The schema reader loads only for a user's schema.
  const { catalogueFromJsonSchema, NotAConnectSchemaError } = await import('./from-jsonschema.ts');
  try {
    return createCatalogue(catalogueFromJsonSchema(json));
  } catch (error) {
    if (error instanceof NotAConnectSchemaError) {
      throw new UserError(
        `${schemaPath} is not a Connect component schema: ${error.message}; ` +
          'produce one with `rpk connect list --format jsonschema > schema.json`',
      );
    }
    throw error;
  }
}
