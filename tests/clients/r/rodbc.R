# RODBC against every built-in schema of the sandbox, as an R user works: odbcDriverConnect with
# the service's connection string, print(channel) (which shows SQLDriverConnect's completed string,
# so it must hold no secret), sqlTables, then sqlFetch of every table, whose rows and columns must
# be what the sandbox serves and SQLColumns lists. Prints TAP; run by `cargo xtask test` (step r),
# which writes APIODBC_R_TABLES: one line per table, "service<TAB>connection string<TAB>table<TAB>rows".
suppressPackageStartupMessages(library(RODBC))

lines <- readLines(Sys.getenv("APIODBC_R_TABLES"))
fields <- strsplit(lines, "\t", fixed = TRUE)
services <- unique(vapply(fields, `[`, "", 1))
checks <- 0
failed <- 0
tap <- function(ok, what) {
  checks <<- checks + 1
  if (!ok) failed <<- failed + 1
  cat(if (ok) "ok" else "not ok", checks, "-", what, "\n")
}

# The values of the secret properties a connection string carries.
secrets_of <- function(cs) {
  pairs <- strsplit(strsplit(cs, ";", fixed = TRUE)[[1]], "=", fixed = TRUE)
  secret <- Filter(function(p) length(p) == 2 &&
    grepl("token|secret|password|apikey|key$", p[1], ignore.case = TRUE) &&
    !grepl("in$|url$", p[1], ignore.case = TRUE), pairs)
  vapply(secret, `[`, "", 2)
}

for (service in services) {
  mine <- Filter(function(f) f[1] == service, fields)
  cs <- mine[[1]][2]
  ch <- tryCatch(odbcDriverConnect(paste0("DRIVER={apiodbc};", cs)), error = function(e) -1)
  tap(!identical(ch, -1L) && !identical(ch, -1), paste(service, "connects"))
  if (identical(ch, -1L) || identical(ch, -1)) next
  shown <- paste(capture.output(print(ch)), collapse = "\n")
  leaked <- Filter(function(s) nchar(s) >= 4 && grepl(s, shown, fixed = TRUE), secrets_of(cs))
  tap(length(leaked) == 0, paste(service, "print(channel) shows no secret"))
  listed <- sqlTables(ch, schema = service)
  for (f in mine) {
    table <- f[3]
    rows <- as.integer(f[4])
    tap(table %in% listed$TABLE_NAME, paste0(service, ".", table, " is listed by sqlTables"))
    data <- sqlFetch(ch, paste0(service, ".", table))
    if (!is.data.frame(data)) {
      tap(FALSE, paste0("sqlFetch ", service, ".", table, ": ", paste(data, collapse = " ")))
      next
    }
    columns <- sqlColumns(ch, table, schema = service)
    tap(nrow(data) == rows && ncol(data) == nrow(columns),
        sprintf("sqlFetch %s.%s: %d rows of %d columns (the API serves %d, SQLColumns lists %d)",
                service, table, nrow(data), ncol(data), rows, nrow(columns)))
  }
  close(ch)
}
cat(sprintf("1..%d\n", checks))
quit(status = if (failed == 0) 0 else 1)
