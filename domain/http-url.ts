import { z } from 'zod';

/** An http or https URL; any other scheme (`data:`, `file:`, `javascript:`) answers without a server or runs in a browser. */
export const httpUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http or https URL' });
