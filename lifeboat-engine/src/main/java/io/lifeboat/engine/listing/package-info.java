/** Browsing snapshots: listing the nodes of a snapshot's tree below a path. */
package io.lifeboat.engine.listing;
