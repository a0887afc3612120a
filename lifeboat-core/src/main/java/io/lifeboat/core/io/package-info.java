/** File I/O helpers shared by the adapters and the CLI. */
package io.lifeboat.core.io;
