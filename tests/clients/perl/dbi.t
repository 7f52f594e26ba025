# apiodbc through Perl DBI and DBD::ODBC (Debian's DBD::ODBC is an ANSI build, so this exercises
# the driver manager's ANSI-to-wide path). Run by `cargo xtask test` as `prove tests/clients/perl/`
# with a private ODBC configuration; elsewhere set APIODBC_DBI_DSN, e.g. dbi:ODBC:DSN=mydsn.
use strict;
use warnings;

use DBI;
use Test::More;

my $dsn = $ENV{APIODBC_DBI_DSN} // 'dbi:ODBC:DSN=apiodbc_test';

my $dbh = DBI->connect($dsn, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
ok($dbh, "connect to $dsn") or BAIL_OUT("cannot connect: $DBI::errstr");

# Each check runs in its own eval so that one failing call (RaiseError) reports itself and the
# rest still run.
sub check {
    my ($name, $code) = @_;
    subtest $name => sub {
        eval { $code->(); 1 } or fail("died: $@");
    };
}

check 'SQL_DRIVER_NAME names the driver' => sub {
    like($dbh->get_info(6), qr/apiodbc/i);
};

check 'SELECT 1' => sub {
    my ($one) = $dbh->selectrow_array('SELECT 1');
    is($one, 1);
};

check 'a bound parameter comes back' => sub {
    my ($text) = $dbh->selectrow_array('SELECT ?', undef, 'hello');
    is($text, 'hello');
};

check 'several rows' => sub {
    my $rows = $dbh->selectall_arrayref('SELECT value FROM generate_series(1, 5) ORDER BY value');
    is_deeply([ map { $_->[0] } @$rows ], [ 1 .. 5 ]);
};

check 'table_info lists sys.sys_tables' => sub {
    my $sth = $dbh->table_info(undef, 'sys', '%', undef);
    my %tables = map { $_->{TABLE_NAME} => $_ } @{ $sth->fetchall_arrayref({}) };
    ok(exists $tables{sys_tables}, 'sys_tables is listed');
    is($tables{sys_tables}{TABLE_SCHEM}, 'sys', 'in schema sys');
};

check 'an unknown table is an error with its SQLSTATE' => sub {
    my $died = !eval { $dbh->selectrow_array('SELECT * FROM no_such_table'); 1 };
    ok($died, 'the query fails');
    is($dbh->state, '42S02', 'SQLSTATE 42S02');
    like($dbh->errstr, qr/\[apiodbc\]/, "the driver's message");
};

check 'the connection works after an error' => sub {
    my ($two) = $dbh->selectrow_array('SELECT 2');
    is($two, 2);
};

ok($dbh->disconnect, 'disconnect');

done_testing();
