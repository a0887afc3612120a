package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exclusive create holds between processes, not only between threads of one JVM. */
class CreateAcrossProcessesTest {
    private static final int PROCESSES = 3;
    private static final int OBJECTS = 150;

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(LocalStorage.CreateMethod.class)
    @Timeout(120)
    void everyObjectHasExactlyOneCreatorAmongProcesses(LocalStorage.CreateMethod method) throws Exception {
        Path root = temp.resolve("repo");
        Path start = temp.resolve("start");
        List<Process> processes = new ArrayList<>();
        try {
            for (int p = 0; p < PROCESSES; p++) {
                processes.add(launch(root, method, "process-" + p, start));
            }
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process process : processes) {
                BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                assertThat(output.readLine()).isEqualTo("ready");
                outputs.add(output);
            }
            Files.createFile(start);

            Map<Integer, String> winners = new HashMap<>();
            for (int p = 0; p < PROCESSES; p++) {
                assertThat(processes.get(p).waitFor(90, TimeUnit.SECONDS)).as("process %d finished", p).isTrue();
                assertThat(processes.get(p).exitValue()).as("exit code of process %d", p).isZero();
                for (String line = outputs.get(p).readLine(); line != null; line = outputs.get(p).readLine()) {
                    String previous = winners.put(Integer.parseInt(line), "process-" + p);
                    assertThat(previous).as("race-%s created by %s and process-%d", line, previous, p).isNull();
                }
            }

            assertThat(winners).hasSize(OBJECTS);
            LocalStorage storage = new LocalStorage(LocalStorageConfig.of(root));
            winners.forEach((i, process) -> assertThat(new String(storage.get(Handle.of(ObjectKind.LOCK, "race-" + i)),
                    StandardCharsets.UTF_8)).isEqualTo(process + " " + i));
            assertThat(new HashSet<>(winners.values())).as("processes that won some creates: they really raced")
                    .hasSizeGreaterThan(1);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    private static Process launch(Path root, LocalStorage.CreateMethod method, String name, Path start) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CreateRaceProcess.class.getName(), root.toString(), method.name(), String.valueOf(OBJECTS), name,
                start.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
