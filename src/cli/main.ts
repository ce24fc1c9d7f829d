#!/usr/bin/env node
// The `workos-inbox` command. Replaced by the full CLI as it lands.
console.log('workos-inbox: the server is not built yet. Usage: workos-inbox <command>');
