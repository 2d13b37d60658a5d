"""The demo's data tables: places, enterprises, people and meeting topics as plain tuples and
dicts (the name pools are in `dangjian.demo.names`), read by the builders in `dangjian.demo.build`.
Nothing here touches the database."""
