/**
 * MongoDB settings, apart from the other fields so that the broker, which never touches MongoDB,
 * does not bundle the connection-string parser.
 */
import { ConnectionString } from 'mongodb-connection-string-url';
import * as z from '../zod/index';
import { secretVariable } from './fields';

// The parser's messages that quote nothing of the input (others quote the user name or the whole
// URI, which are secret).
const constantMongoMessage =
  /^(Invalid scheme, .*|Invalid connection string|Protocol and host list are required in the uri|URI contained empty userinfo section|Password contains unescaped characters|mongodb\+srv URI cannot have (multiple service names|port number))$/;

/**
 * A MongoDB connection string as the driver reads it, with the driver's own parser
 * (`mongodb-connection-string-url`): several hosts (`mongodb://a:27017,b:27017/db?replicaSet=rs0`),
 * `mongodb+srv://`, Unix sockets — which WHATWG URL parsing refuses.
 */
const mongoUri = z.string().check(
  z.superRefine((value: string, ctx) => {
    try {
      new ConnectionString(value);
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      const detail = constantMongoMessage.test(message)
        ? message
        : message.startsWith('Username contains unescaped characters')
          ? 'Username contains unescaped characters'
          : 'not a connection string';
      ctx.addIssue({
        code: 'custom',
        message: `must be a MongoDB connection string (mongodb://… or mongodb+srv://…): ${detail}`,
      });
    }
  }),
);

/** Functions that use MongoDB: the connection string (a secret) and the database. */
export const mongoFields = {
  MONGODB_URI: mongoUri.register(z.globalRegistry, secretVariable),
  MONGODB_DB: z._default(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1-63 letters, digits, "_" or "-"')),
    'multivac',
  ),
  /**
   * Count MongoDB commands in `multivac_mongodb_commands_total` (the bundle test does). Off by
   * default: the driver's command monitoring also builds every reply as plain objects for its
   * "succeeded" event, all the documents of a cursor batch at once, which a 32 MiB heap cannot
   * afford when they are large (learn's batches of 1 MiB pages).
   */
  MULTIVAC_MONGODB_COMMAND_METRICS: z._default(z.stringbool(), false),
};
