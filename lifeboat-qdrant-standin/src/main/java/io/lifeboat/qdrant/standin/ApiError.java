package io.lifeboat.qdrant.standin;

/**
 * An error answer: HTTP status, message, and whether Qdrant sends it as plain text (auth
 * failures, snapshot download errors) rather than in the JSON envelope.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final boolean plainText;

    ApiError(int status, String message, boolean plainText) {
        super(message, null, false, false);
        this.status = status;
        this.plainText = plainText;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message, false);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "Not found: " + message, false);
    }

    static ApiError collectionNotFound(String name) {
        return notFound("Collection `" + name + "` doesn't exist!");
    }

    static ApiError plain(int status, String message) {
        return new ApiError(status, message, true);
    }
}
