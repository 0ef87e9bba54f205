package dev.essay.core.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.function.Predicate;

/** Copying and deleting directory trees: for build copies of a project (and the sandboxes that build samples). */
public final class Trees {
    private static final Set<String> LEFTOVERS = Set.of(".git", "build", "dist", ".venv", "venv", ".tox", ".nox",
            "__pycache__", ".mypy_cache", ".pytest_cache", ".eggs");

    private Trees() {
    }

    /**
     * Whether a directory of a Python project holds what a build or a tool left, not source: {@code .git},
     * {@code build}, {@code dist}, {@code *.egg-info}, caches, and virtualenvs (by name, or any directory holding a
     * {@code pyvenv.cfg}).
     */
    public static boolean isLeftover(Path dir) {
        Path name = dir.getFileName();
        return name != null && (LEFTOVERS.contains(name.toString()) || name.toString().endsWith(".egg-info")
                || Files.exists(dir.resolve("pyvenv.cfg")));
    }

    /**
     * Copies the tree {@code from} into {@code to} (created as needed), file attributes kept, symbolic links copied as
     * links; a directory below {@code from} for which {@code skipDirectory} holds is left out with all it holds.
     */
    public static void copy(Path from, Path to, Predicate<Path> skipDirectory) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(from) && skipDirectory.test(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code root} and everything below it, without following symbolic links; nothing to do when it does not
     * exist. Files that vanish meanwhile are fine, and a directory something wrote into meanwhile gets one more pass.
     */
    public static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (!(exc instanceof NoSuchFileException)) {
                        Files.deleteIfExists(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (DirectoryNotEmptyException e) {
                        delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
