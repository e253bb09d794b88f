package nl.psochain.neo4jlauncher;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Starts a throwaway Neo4j Community DBMS (embedded) with only the Bolt connector, bound to
 * the loopback interface, authentication always on (user neo4j, the password from the
 * environment variable --password-env names: never on the command line), LOAD CSV confined to
 * an empty import folder with file URLs refused, and prints {@code READY bolt://127.0.0.1:PORT} once Bolt accepts
 * connections. Stops cleanly on SIGTERM/SIGINT (shutdown hook) and, with --watch-stdin, when
 * standard input reaches end-of-file (the parent process went away).
 *
 * <p>Arguments: --home DIR [--port P (0 = any free port)] [--pagecache 256m]
 * --password-env VAR [--config FILE (extra neo4j.conf-style settings)] [--watch-stdin]
 * [--delete-home (remove the home directory after shutdown: a throwaway server)]
 */
public final class Launcher {
    private static final String LOOPBACK = "127.0.0.1";
    private static final PrintStream OUT =
            new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                    StandardCharsets.UTF_8);

    private Launcher() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            OUT.println("FAILED " + t);
            t.printStackTrace(OUT);
            OUT.flush();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path home = null;
        int port = 0;
        String pagecache = "256m";
        Path configFile = null;
        String passwordEnv = null;
        boolean watchStdin = false;
        boolean deleteHome = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--pagecache" -> pagecache = args[++i];
                case "--config" -> configFile = Path.of(args[++i]);
                case "--password-env" -> passwordEnv = args[++i];
                case "--watch-stdin" -> watchStdin = true;
                case "--delete-home" -> deleteHome = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home DIR is required");
        }
        if (passwordEnv == null) {
            throw new IllegalArgumentException("--password-env VAR is required (no server "
                    + "without authentication)");
        }
        String password = System.getenv(passwordEnv);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + passwordEnv
                    + " (the Neo4j password) is empty");
        }
        Files.createDirectories(home);
        // LOAD CSV may read only from this folder, which nothing writes to.
        Path importDir = Files.createDirectories(home.resolve("import").toAbsolutePath());

        // Defaults for a small throwaway server; the optional config file may override them.
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(OUT, Level.INFO))
                .setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(pagecache))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // A throwaway server need not wait 2 x 5 s for Bolt threads on shutdown.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time,
                        Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time,
                        Duration.ofSeconds(1));
        if (configFile != null) {
            builder.loadPropertiesFromFile(configFile);
        }
        // These always win over the config file: loopback only, Bolt only, authentication on,
        // no file URLs for LOAD CSV (and its root an empty folder).
        builder.setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(LOOPBACK))
                .setConfig(GraphDatabaseSettings.default_advertised_address,
                        new SocketAddress(LOOPBACK))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(LOOPBACK, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(LOOPBACK, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir);

        long started = System.nanoTime();
        DatabaseManagementService service = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Path homeDir = home;
        boolean deleteOnExit = deleteHome;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.shutdown();
                if (deleteOnExit) {
                    deleteTree(homeDir);
                }
                OUT.println("STOPPED");
            } catch (Throwable t) {
                OUT.println("FAILED shutdown: " + t);
            } finally {
                OUT.flush();
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        GraphDatabaseAPI system = (GraphDatabaseAPI) service.database("system");
        // Set on every start (Neo4j refuses a new password equal to the old one, so a random
        // one first): the password given now is the only one that works, whatever a kept data
        // folder held before.
        String interim = java.util.UUID.randomUUID().toString();
        for (String next : new String[] {interim, password}) {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    java.util.Map.of("password", next));
        }
        ConnectorPortRegister ports =
                system.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        HostnamePort bolt = ports.getLocalAddress(ConnectorType.BOLT);
        if (bolt == null) {
            throw new IllegalStateException("the Bolt connector did not start");
        }
        int boltPort = bolt.getPort();
        awaitBolt(boltPort, Duration.ofSeconds(60));
        long millis = (System.nanoTime() - started) / 1_000_000;
        OUT.println("Neo4j " + neo4jVersion() + " started in " + millis + " ms, home " + home);
        OUT.println("READY bolt://" + LOOPBACK + ":" + boltPort);
        OUT.flush();

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buffer = new byte[256];
                    while (in.read(buffer) >= 0) {
                        // Discard input; end-of-file means the parent is gone or wants a stop.
                    }
                } catch (IOException ignored) {
                    // Treat a broken stdin like end-of-file.
                }
                System.exit(0);
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    /** Opens a socket and performs the Bolt handshake, retrying until the deadline. */
    private static void awaitBolt(int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 2000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                // Magic preamble, then four version proposals (5.x range, 4.4, 4.3, 4.2).
                out.write(new byte[] {
                    0x60, 0x60, (byte) 0xB0, 0x17,
                    0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 3, 4, 0, 0, 2, 4});
                out.flush();
                int agreed = new DataInputStream(socket.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IllegalStateException("Bolt handshake agreed on no version");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Bolt on port " + port + " does not accept connections",
                last);
    }

    /** Deletes a directory tree (a throwaway home), even when the parent process is gone. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            java.util.Iterator<Path> deepestFirst =
                    paths.sorted(java.util.Comparator.reverseOrder()).iterator();
            while (deepestFirst.hasNext()) {
                Files.deleteIfExists(deepestFirst.next());
            }
        }
    }

    private static long parseBytes(String text) {
        String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        long factor = 1;
        char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
        switch (unit) {
            case 'k' -> factor = ByteUnit.kibiBytes(1);
            case 'm' -> factor = ByteUnit.mebiBytes(1);
            case 'g' -> factor = ByteUnit.gibiBytes(1);
            default -> factor = 1;
        }
        if (factor != 1) {
            value = value.substring(0, value.length() - 1);
        }
        return Long.parseLong(value) * factor;
    }

    private static String neo4jVersion() {
        Package pkg = DatabaseManagementService.class.getPackage();
        String version = pkg == null ? null : pkg.getImplementationVersion();
        return version == null ? "(unknown version)" : version;
    }
}
