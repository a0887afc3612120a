package io.lifeboat.source.postgres.physical;

import java.util.Set;

/**
 * What a base backup asks of the repository's WAL archive: which system it belongs to, and
 * whether a WAL file is there. Implemented over the repository by the caller; thread safe.
 */
public interface WalCoverage {

    /** System identifiers of the WAL and physical backups already in the repository. */
    Set<String> systemIds();

    /** Whether the WAL file {@code name} of {@code systemId} is archived. */
    boolean contains(String systemId, String name);
}
