# Databricks notebook source
# The adf-databricks smoke test. Data Factory runs this notebook through the stack's Azure Databricks
# linked service (a Notebook activity, or a Job activity in serverless mode). A run that ends here proves
# that the factory authenticated (token in Key Vault, or its managed identity), that it was allowed in, and
# that the stack's compute mode started Spark. It reads and writes no data.
# (`spark` and `dbutils` are the notebook's built-ins; the comments on those lines only silence linters.)

# COMMAND ----------

import json

rows = spark.range(10).count()  # type: ignore[name-defined]  # noqa: F821

# COMMAND ----------

# The exit value is what Data Factory shows as the activity's `runOutput`.
dbutils.notebook.exit(json.dumps({"smoke": "ok", "rows": rows}))  # type: ignore[name-defined]  # noqa: F821
