/**
 * Trees: what a snapshot holds. A tree is one directory's sorted list of nodes; a node is a
 * file, directory, symlink or stream with its metadata and, for content, an ordered list of
 * blob ids. Sources build trees; restore targets walk them.
 */
package io.lifeboat.core.tree;
