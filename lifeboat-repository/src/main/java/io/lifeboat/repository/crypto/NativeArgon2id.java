package io.lifeboat.repository.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Argon2id computed by the system's Argon2 library ({@code libargon2.so.1}, the reference
 * implementation's; Debian package {@code libargon2-1}), called through the foreign function API.
 *
 * <p>Every command that opens a repository derives a key first. In a new JVM the Java
 * implementation ({@link Argon2id}) runs mostly interpreted or in the first compiler tier while
 * the JIT compiles it, and it shares the cores with start-up: about 0.4 s for the default
 * parameters. The C library takes 0.1 s alone and 0.15-0.2 s beside the JVM's start-up, plus
 * 50-80 ms to bind it on a fresh JVM; an unchanged re-backup takes about 0.1 s less. The output
 * is the same (the tests compare the two on many parameter sets and with the reference command's
 * output).
 *
 * <p>The classes of {@code java.lang.foreign} are final from Java 22 and a preview API in 21, so
 * this class reaches them by reflection and keeps the project's Java 21 bytecode. It is used only
 * when all of these hold, and {@link #hash} returns {@code null} otherwise so that the caller
 * falls back to Java: the runtime is Java 22 or later on 64-bit Linux, native access is enabled
 * for this code ({@code --enable-native-access}, as the launcher passes; without it the JVM would
 * print a warning), the library loads, and the system property {@value #PROPERTY} is not
 * {@code java}. The password is copied into native memory that is zeroed before it is freed.
 */
final class NativeArgon2id {
    /** {@code -Dlifeboat.argon2=java} makes every derivation use the Java implementation. */
    static final String PROPERTY = "lifeboat.argon2";
    static final String LIBRARY = "libargon2.so.1";
    private static final int ARGON2_OK = 0;

    private NativeArgon2id() {}

    /**
     * The Argon2id (version 1.3) tag, without secret or associated data, or {@code null} when the
     * library cannot be used or refuses the parameters (see {@link #unavailableReason()}).
     */
    static byte[] hash(byte[] password, byte[] salt, int memoryKiB, int iterations, int lanes, int tagLength) {
        if (javaAsked()) {
            return null;
        }
        Binding binding = Holder.BINDING;
        return binding == null ? null : binding.hash(password, salt, memoryKiB, iterations, lanes, tagLength);
    }

    /** Why the library is not used, or empty when it is. */
    static Optional<String> unavailableReason() {
        if (javaAsked()) {
            return Optional.of(PROPERTY + "=java");
        }
        return Optional.ofNullable(Holder.REASON);
    }

    private static boolean javaAsked() {
        return "java".equals(System.getProperty(PROPERTY));
    }

    /** Binds once, on first use; a failure is remembered as the reason. */
    private static final class Holder {
        static final Binding BINDING;
        static final String REASON;

        static {
            Binding binding = null;
            String reason;
            try {
                binding = Binding.bind();
                reason = null;
            } catch (Unavailable e) {
                reason = e.getMessage();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
                reason = "cannot bind " + LIBRARY + ": " + cause;
            }
            BINDING = binding;
            REASON = reason;
        }
    }

    /** The library's {@code argon2id_hash_raw} and the few calls needed to pass it native memory. */
    private record Binding(MethodHandle hashRaw, Method ofConfined, Method allocate, Method asByteBuffer, Method fill) {

        static Binding bind() throws ReflectiveOperationException {
            if (Runtime.version().feature() < 22) {
                throw new Unavailable("Java " + Runtime.version().feature() + " has no final foreign function API");
            }
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
                // size_t is a 64-bit long only on the LP64 platforms this binding was written for.
                throw new Unavailable("not 64-bit Linux (" + os + "/" + arch + ")");
            }
            Module module = NativeArgon2id.class.getModule();
            if (!(boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module)) {
                throw new Unavailable("native access is not enabled (--enable-native-access=ALL-UNNAMED)");
            }
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");

            Object global = arenaClass.getMethod("global").invoke(null);
            Object library;
            try {
                library = lookupClass.getMethod("libraryLookup", String.class, arenaClass).invoke(null, LIBRARY, global);
            } catch (InvocationTargetException e) {
                throw new Unavailable(LIBRARY + " not found (install the package libargon2-1)");
            }
            Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(library, "argon2id_hash_raw");
            if (symbol.isEmpty()) {
                throw new Unavailable(LIBRARY + " has no argon2id_hash_raw");
            }
            Object u32 = valueLayoutClass.getField("JAVA_INT").get(null);
            Object sizeT = valueLayoutClass.getField("JAVA_LONG").get(null);
            Object pointer = valueLayoutClass.getField("ADDRESS").get(null);
            // int argon2id_hash_raw(uint32_t t_cost, uint32_t m_cost, uint32_t parallelism, const void *pwd,
            //     size_t pwdlen, const void *salt, size_t saltlen, void *hash, size_t hashlen)
            Object[] arguments = {u32, u32, u32, pointer, sizeT, pointer, sizeT, pointer, sizeT};
            Object argumentLayouts = Array.newInstance(layoutClass, arguments.length);
            for (int i = 0; i < arguments.length; i++) {
                Array.set(argumentLayouts, i, arguments[i]);
            }
            Object descriptor = descriptorClass.getMethod("of", layoutClass, argumentLayouts.getClass())
                    .invoke(null, u32, argumentLayouts);
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object noOptions = Array.newInstance(optionClass, 0);
            MethodHandle handle = (MethodHandle) linkerClass
                    .getMethod("downcallHandle", segmentClass, descriptorClass, noOptions.getClass())
                    .invoke(linker, symbol.get(), descriptor, noOptions);
            MethodHandle generic = handle.asType(MethodType.methodType(int.class, int.class, int.class, int.class,
                    Object.class, long.class, Object.class, long.class, Object.class, long.class));
            return new Binding(generic, arenaClass.getMethod("ofConfined"), arenaClass.getMethod("allocate", long.class),
                    segmentClass.getMethod("asByteBuffer"), segmentClass.getMethod("fill", byte.class));
        }

        byte[] hash(byte[] password, byte[] salt, int memoryKiB, int iterations, int lanes, int tagLength) {
            Object pwd = null;
            Object out = null;
            try (AutoCloseable arena = (AutoCloseable) ofConfined.invoke(null)) {
                try {
                    pwd = copyIn(arena, password);
                    Object saltSegment = copyIn(arena, salt);
                    out = allocate.invoke(arena, (long) tagLength);
                    int result = (int) hashRaw.invokeExact(iterations, memoryKiB, lanes, pwd, (long) password.length,
                            saltSegment, (long) salt.length, out, (long) tagLength);
                    if (result != ARGON2_OK) {
                        return null; // e.g. a salt shorter than the library's minimum: the Java implementation takes it
                    }
                    byte[] tag = new byte[tagLength];
                    ((ByteBuffer) asByteBuffer.invoke(out)).get(tag);
                    return tag;
                } finally {
                    if (pwd != null) {
                        fill.invoke(pwd, (byte) 0);
                    }
                    if (out != null) {
                        fill.invoke(out, (byte) 0);
                    }
                }
            } catch (Throwable e) {
                if (e instanceof Error error && !(e instanceof LinkageError)) {
                    throw error;
                }
                throw new IllegalStateException("key derivation by " + LIBRARY + " failed", e);
            }
        }

        /** A native copy of {@code bytes} (at least one byte long, so that its address is never null). */
        private Object copyIn(Object arena, byte[] bytes) throws ReflectiveOperationException {
            Object segment = allocate.invoke(arena, (long) Math.max(1, bytes.length));
            ((ByteBuffer) asByteBuffer.invoke(segment)).put(bytes);
            return segment;
        }
    }

    /** The binding is not possible here; the message says why. */
    private static final class Unavailable extends ReflectiveOperationException {
        Unavailable(String message) {
            super(message);
        }
    }
}
