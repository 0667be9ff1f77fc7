import { allPages, type Connector, type ConnectorQuery } from '../../client/index.ts';
import { argumentsOf, type Command } from '../context.ts';

/** `connectors list`: every connector of the workspace, as a table or (`--json`) one JSON object a line. */
export const listConnectors: Command = async (context) => {
  argumentsOf(context);
  const { client, flags, stdout } = context;
  const query = { ...(flags.type ? { type: flags.type } : {}), ...(flags.state ? { state: flags.state as ConnectorQuery['state'] } : {}) };
  const connectors: Connector[] = [];
  for await (const connector of allPages((cursor) => client.connectors.list({ ...query, ...(cursor ? { cursor } : {}) }))) connectors.push(connector);
  if (flags.json) {
    for (const connector of connectors) stdout.write(`${JSON.stringify(connector)}\n`);
    return 0;
  }
  const rows = [
    ['ID', 'NAME', 'TYPE', 'STATE', 'LAST SYNC'],
    ...connectors.map((connector) => [connector.id, connector.name, connector.type, connector.state, connector.lastSync ?? '-']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  return 0;
};

/** `connectors get <id>`: the connector as JSON. */
export const getConnector: Command = async (context) => {
  const [id] = argumentsOf(context, 'connector');
  context.stdout.write(`${JSON.stringify(await context.client.connectors.get(id), null, 2)}\n`);
  return 0;
};
