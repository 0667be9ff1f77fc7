import { writeFileSync } from 'node:fs';
import { clientTypesFile, generateClientTypes, renderOpenApiDocument } from './client-types.ts';

/** `npm run client:generate`: rewrites client/openapi.ts from the API's OpenAPI document. */
writeFileSync(clientTypesFile, await generateClientTypes(await renderOpenApiDocument()));
process.stdout.write(`wrote ${clientTypesFile}\n`);
