package io.maskstream.iceberg;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.abilities.SupportsPartitioning;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.iceberg.flink.FlinkDynamicTableFactory;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The {@code maskstream-iceberg} connector: Iceberg's SQL sink, append-only, whose every commit
 * carries the options {@code 'snapshot-property.<key>' = '<value>'} in the snapshot summary. Read
 * as a source (the audit job, the SQL client) it is Iceberg's own source.
 */
public final class ProvenanceIcebergSinkFactory
    implements DynamicTableSinkFactory, DynamicTableSourceFactory {
  public static final String IDENTIFIER = "maskstream-iceberg";
  static final String PREFIX = "snapshot-property.";

  private final FlinkDynamicTableFactory iceberg = new FlinkDynamicTableFactory();

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return iceberg.requiredOptions();
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return iceberg.optionalOptions();
  }

  @Override
  public DynamicTableSource createDynamicTableSource(Context context) {
    return iceberg.createDynamicTableSource(icebergContext(context, new TreeMap<>()));
  }

  @Override
  public DynamicTableSink createDynamicTableSink(Context context) {
    Map<String, String> properties = new TreeMap<>();
    // Iceberg's own factory creates the table if it does not exist and builds its loader.
    DynamicTableSink sink = iceberg.createDynamicTableSink(icebergContext(context, properties));
    return new ProvenanceSink(
        field(sink, "tableLoader"),
        field(sink, "resolvedSchema"),
        field(sink, "readableConfig"),
        field(sink, "writeProps"),
        properties);
  }

  /** The context as Iceberg's factory expects it: its connector, no snapshot-property options
   * (collected into {@code properties}). */
  private static Context icebergContext(Context context, Map<String, String> properties) {
    ResolvedCatalogTable table = context.getCatalogTable();
    Map<String, String> options = new HashMap<>(table.getOptions());
    options.entrySet().removeIf(e -> {
      if (!e.getKey().startsWith(PREFIX)) {
        return false;
      }
      properties.put(e.getKey().substring(PREFIX.length()), e.getValue());
      return true;
    });
    options.put(FactoryUtil.CONNECTOR.key(), "iceberg");
    return new FactoryUtil.DefaultDynamicTableContext(
        context.getObjectIdentifier(),
        table.copy(options),
        context.getEnrichmentOptions(),
        context.getConfiguration(),
        context.getClassLoader(),
        context.isTemporary());
  }

  @SuppressWarnings("unchecked")
  private static <T> T field(Object sink, String name) {
    try {
      Field f = sink.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return (T) f.get(sink);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "maskstream-iceberg: the Iceberg runtime jar is not the version this connector was "
              + "built for (no field " + name + " in " + sink.getClass().getName() + "). Fix: "
              + "use the iceberg-flink-runtime of build/jars/pom.xml (make jars)",
          e);
    }
  }

  /** Append-only: inserts only, no overwrite; every commit with the snapshot properties. */
  static final class ProvenanceSink implements DynamicTableSink, SupportsPartitioning {
    private final TableLoader loader;
    private final ResolvedSchema schema;
    private final ReadableConfig conf;
    private final Map<String, String> writeProps;
    private final Map<String, String> properties;

    ProvenanceSink(
        TableLoader loader,
        ResolvedSchema schema,
        ReadableConfig conf,
        Map<String, String> writeProps,
        Map<String, String> properties) {
      this.loader = loader;
      this.schema = schema;
      this.conf = conf;
      this.writeProps = writeProps;
      this.properties = properties;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requested) {
      return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
      return (DataStreamSinkProvider)
          (providerContext, dataStream) ->
              FlinkSink.forRowData(dataStream)
                  .tableLoader(loader)
                  .resolvedSchema(schema)
                  .setAll(writeProps)
                  .flinkConf(conf)
                  .setSnapshotProperties(properties)
                  .append();
    }

    @Override
    public void applyStaticPartition(Map<String, String> partition) {
      // Partitions come from the rows (the dt column); a static partition adds nothing.
    }

    @Override
    public DynamicTableSink copy() {
      return new ProvenanceSink(loader, schema, conf, writeProps, properties);
    }

    @Override
    public String asSummaryString() {
      return "maskstream Iceberg sink (append-only, provenance in snapshot summaries)";
    }
  }
}
