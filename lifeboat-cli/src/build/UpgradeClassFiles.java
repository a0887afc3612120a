import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step (run by the JDK that builds, 24 or newer, as a source-file program): rewrites the
 * class files under the given package directories of a jar from a class-file version older
 * than 50 (Java 6) to version 52, with the stack map frames that version requires.
 *
 * <p>Why: picocli ships Java 5 class files. The JVM's start-up cache (JEP 483) leaves out every
 * class older than version 50 that was linked during the training run, so all of picocli was
 * read from the jar, checked by the old type-inferring verifier and interpreted without
 * profiles on every command (about 0.15 s of a `--version`). The instructions are not changed,
 * only the version and the frames computed from them; a class that cannot be rewritten stops the
 * build.
 *
 * <p>Usage: {@code java UpgradeClassFiles.java JAR PACKAGE_DIR...} (e.g. {@code picocli/}). Quiet on
 * success; class files already at version 50 or newer are left as they are.
 */
public final class UpgradeClassFiles {
    private static final int TARGET_MAJOR = 52;
    private static final int FIRST_WITH_FRAMES = 50;

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java UpgradeClassFiles.java JAR PACKAGE_DIR...");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        List<String> prefixes = List.of(args).subList(1, args.length);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ConstantPoolSharingOption.NEW_POOL,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            for (String prefix : prefixes) {
                Path dir = zip.getPath(prefix);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException(jar + " has no " + prefix);
                }
                List<Path> classes;
                try (Stream<Path> s = Files.walk(dir)) {
                    classes = s.filter(p -> p.toString().endsWith(".class")).toList();
                }
                for (Path p : classes) {
                    byte[] bytes = Files.readAllBytes(p);
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() >= FIRST_WITH_FRAMES) {
                        continue;
                    }
                    byte[] rewritten = cf.transformClass(model,
                            ClassTransform.endHandler(b -> b.withVersion(TARGET_MAJOR, 0))
                                    .andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
                    cf.verify(rewritten).stream().findFirst().ifPresent(e -> {
                        throw new IllegalStateException(p + " does not verify after the rewrite: " + e.getMessage());
                    });
                    Files.write(p, rewritten);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
