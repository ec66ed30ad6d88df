// parquetjs-lite ships no types; tests use it only as an independent parquet writer.
declare module 'parquetjs-lite';
