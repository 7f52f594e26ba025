<?php
// PHP's PDO_ODBC with its default options, as a PHP application uses apiodbc: queries whose every
// column must come back (with the cursor library of the driver manager left unloaded), prepared
// statements with string, integer, NULL and long parameters (PDO binds each as
// data-at-execution), and a REST table of the sandbox. Prints TAP; run by `cargo xtask test`
// (step php), which sets APIODBC_PHP_PIPEDRIVE to the sandbox's connection string and
// APIODBC_PHP_PERSONS to its number of persons.

$n = 0;
$failed = 0;
function check($ok, $what, $detail = "") {
    global $n, $failed;
    $n++;
    if ($ok) {
        echo "ok $n - $what\n";
    } else {
        $failed++;
        echo "not ok $n - $what" . ($detail === "" ? "" : " # $detail") . "\n";
    }
}

function connect($string) {
    $pdo = new PDO("odbc:" . $string);
    $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
    return $pdo;
}

try {
    $pdo = connect("DRIVER={apiodbc}");

    // Every value of every column, in every row (the cursor library once turned all but the
    // first text column into NULLs, without an error).
    $rows = $pdo->query("SELECT SchemaName, TableName, TableType, Description FROM sys.sys_tables")
        ->fetchAll(PDO::FETCH_ASSOC);
    $count = (int) $pdo->query("SELECT count(*) FROM sys.sys_tables")->fetchColumn();
    check(count($rows) == $count && $count > 0, "every row of sys.sys_tables", count($rows) . " of $count");
    $nulls = 0;
    foreach ($rows as $row) {
        foreach ($row as $value) {
            if ($value === null || $value === "") { $nulls++; }
        }
    }
    check($nulls == 0, "every column of every row has its value", "$nulls empty");

    // Prepared statements: a string and an integer, bound both ways PDO offers.
    $st = $pdo->prepare(
        "SELECT TableName, Ordinal, ColumnName FROM sys.sys_tablecolumns WHERE TableName = ? AND Ordinal = ?"
    );
    $st->execute(["sys_tables", 3]);
    $got = $st->fetchAll(PDO::FETCH_NUM);
    check($got == [["sys_tables", "3", "TableName"]], "string and integer parameters", json_encode($got));
    $st->bindValue(1, "sys_procedures", PDO::PARAM_STR);
    $st->bindValue(2, 2, PDO::PARAM_INT);
    $st->execute();
    $got = $st->fetchAll(PDO::FETCH_NUM);
    check($got == [["sys_procedures", "2", "SchemaName"]], "bindValue with types", json_encode($got));

    // NULL, and a value long enough to be sent in several pieces.
    $st = $pdo->prepare("SELECT ? IS NULL AS missing");
    $st->bindValue(1, null, PDO::PARAM_NULL);
    $st->execute();
    check($st->fetchColumn() == "1", "a NULL parameter");
    $long = str_repeat("é", 20000);
    $st = $pdo->prepare("SELECT length(?) AS characters");
    $st->execute([$long]);
    check($st->fetchColumn() == "20000", "a 40,000-byte parameter, in pieces");

    // A computed column has a name a PHP array can use.
    $row = $pdo->query("SELECT 1 + 1, upper('odbc') AS up")->fetch(PDO::FETCH_ASSOC);
    check($row == ["EXPR_1" => "2", "up" => "ODBC"], "computed columns' names", json_encode($row));

    // A REST table: every person, every id and name present, and one by its key.
    $sandbox = getenv("APIODBC_PHP_PIPEDRIVE");
    if ($sandbox !== false && $sandbox !== "") {
        $api = connect("DRIVER={apiodbc};" . $sandbox);
        $people = $api->query("SELECT id, name, emails FROM pipedrive.persons ORDER BY id")
            ->fetchAll(PDO::FETCH_ASSOC);
        $want = (int) getenv("APIODBC_PHP_PERSONS");
        check(count($people) == $want && $want > 0, "every Pipedrive person", count($people) . " of $want");
        $missing = 0;
        foreach ($people as $p) {
            if ($p["id"] === null || $p["name"] === null) { $missing++; }
        }
        check($missing == 0, "every person has an id and a name", "$missing missing");
        $st = $api->prepare("SELECT name FROM pipedrive.persons WHERE id = ?");
        $st->execute([(int) $people[0]["id"]]);
        check($st->fetchColumn() === $people[0]["name"], "a person by id, as a parameter");
    }
} catch (Throwable $e) {
    check(false, "no exception", str_replace("\n", " ", $e->getMessage()));
}

echo "1..$n\n";
exit($failed == 0 ? 0 : 1);
