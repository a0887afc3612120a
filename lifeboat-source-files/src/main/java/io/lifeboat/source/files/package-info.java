/**
 * The files source: backs up directory trees with their POSIX metadata and restores them.
 *
 * <p><b>Snapshot layout.</b> A snapshot's root tree is "/" and holds the backed-up paths as a path
 * hierarchy: backing up {@code /a/b/c} yields root → {@code a} → {@code b} → {@code c}. The
 * directories above a named path ({@code a}, {@code b}) carry their real metadata but list only
 * the entries that lead to named paths; a symlink there is followed, since the named path is
 * reached through it. A named path itself is never excluded and never followed if it is a
 * symlink. A named path below another named path adds nothing.
 *
 * <p><b>Entries.</b> Regular files (content as blob ids), directories (subtree id), symlinks
 * (target verbatim, never followed). Sockets, FIFOs and devices are skipped with a warning. Every
 * entry records mode (permission bits incl. setuid/setgid/sticky), numeric uid and gid, mtime to
 * the nanosecond, inode and device; files also their size. Metadata comes from lstat(2) through
 * the JDK's {@code unix} attribute view, so the source needs a POSIX platform. An entry that
 * cannot be read (permission denied, vanished, I/O error) is a warning of the
 * {@link io.lifeboat.core.source.BackupOutcome} and the walk goes on; an unreadable directory is
 * recorded as empty. A failure of the sink (the repository) stops the backup.
 *
 * <p><b>Walk.</b> Depth-first, entries of a directory in name order; each directory's tree is
 * stored after its entries, so trees are built bottom-up and memory holds one listing per level.
 *
 * <p><b>Change detection.</b> The parent snapshot's tree at the same path is loaded alongside
 * each directory. A regular file whose parent entry is a file with the same size, mtime
 * (nanoseconds), inode and device reuses the parent's blob list without being read, provided the
 * repository still has all those blobs. Owner and mode are always taken fresh. A parent tree that
 * cannot be loaded costs a warning and a full read of that subtree, never the backup.
 *
 * <p><b>Files changing while read.</b> Size, mtime, inode and device are compared before and
 * after reading, and with the number of bytes read. On a difference the bytes read are stored
 * anyway, with a warning, and the entry keeps the metadata from before the read, so the next
 * backup sees a new mtime and reads the file again.
 *
 * <p><b>Excludes</b> are glob patterns (syntax of
 * {@link java.nio.file.FileSystem#getPathMatcher}: {@code *} and {@code ?} stay within one name,
 * {@code **} crosses directories, {@code [abc]}, {@code {a,b}}), applied to every entry found
 * while walking a named path:
 * <ul>
 *   <li>a pattern without a slash matches the entry's name at any depth: {@code *.tmp},
 *       {@code .cache};</li>
 *   <li>a trailing slash restricts a pattern to directories: {@code cache/} excludes directories
 *       named {@code cache}, not files;</li>
 *   <li>a pattern starting with a slash matches the absolute path: {@code /srv/app/logs},
 *       {@code /home/*}{@code /tmp};</li>
 *   <li>any other pattern with a slash may start at any directory, as if prefixed with
 *       {@code **}{@code /}: {@code **}{@code /node_modules} and {@code node_modules/.bin}
 *       match at any depth.</li>
 * </ul>
 * An excluded directory is not entered.
 *
 * <p><b>One file system.</b> With {@code oneFileSystem}, a directory on another device than its
 * named path is recorded as an empty directory (the mount point) and not entered, like
 * {@code rsync -x}.
 *
 * <p><b>Restore.</b> Snapshot path {@code /a/b/c} is restored to {@code target/a/b/c}. With
 * include paths, an entry is restored if its path equals an include, is below one, or is a
 * directory above one (created with its metadata, holding only the way down). An include that
 * names nothing in the snapshot fails the restore before anything is written. Each file is
 * written to a temporary sibling {@code .lifeboat-restore-<random>} (mode 0600) and renamed into
 * place only after its whole content was read and its length matches the snapshot; on any failure
 * the temporary file is deleted and the failure propagates, so a damaged blob never leaves wrong
 * data behind and an existing file is never replaced by a partial one. Symlinks are created the
 * same way (temporary name, rename). Metadata: owner (only when restoring as root; numeric ids),
 * then mtime, then mode incl. setuid/setgid/sticky; a directory's metadata is set after its
 * entries are written. A symlink gets its own owner and mtime where the platform allows. Streams
 * of non-file snapshots (dumps) are restored as regular files. Every name is checked to stay
 * inside the target. Existing entries: see {@link io.lifeboat.source.files.OverwritePolicy}.
 * Files are not fsynced one by one: after a crash, the restore is run again.
 *
 * <p><b>Names and locale.</b> The JVM encodes and decodes file names with
 * {@code sun.jnu.encoding}, which it takes from the locale at startup ({@code LANG},
 * {@code LC_ALL}). Non-ASCII names only round-trip under a UTF-8 locale, e.g.
 * {@code LC_ALL=C.UTF-8}. Under another locale, a name that does not decode is skipped with a
 * warning at backup, and a name that cannot be encoded fails the restore with a hint. Snapshot
 * names are UTF-8 strings; names that are not valid UTF-8 on disk cannot be backed up.
 */
package io.lifeboat.source.files;
