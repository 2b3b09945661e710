#pragma once
// Running phaselab-cli (the program named by $PHASELAB_CLI) as a user does, for the tests of the
// command line.

#include <QProcess>
#include <QTest>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace phaselab::test {

/// A TCP port on the loopback interface that was free a moment ago (bound to port 0, then
/// released): MASTER_PORT of a multi-process test.
inline int freeLocalPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        qFatal("no free port");
    ::close(fd);
    return ntohs(a.sin_port);
}

/// Exit code (-1: did not finish in time, -2: crashed), stdout and stderr of one run.
struct CliResult {
    int code = -1;
    QString out, err;
};

inline CliResult run(const QStringList& args, int timeoutMs = 240000)
{
    QProcess p;
    p.start(qEnvironmentVariable("PHASELAB_CLI"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    CliResult r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

/// The one JSON object a --json run prints on stdout (null when it is not exactly one).
/// Runs `args` and checks that it fails with exit `code` and a message on stderr that mentions
/// `mustMention`; an input error (exit 3) must say so in one line.
inline void expectFailure(const QStringList& args, int code, const QString& mustMention,
                          Qt::CaseSensitivity cs = Qt::CaseSensitive)
{
    const CliResult r = run(args);
    QVERIFY2(r.code == code,
             qPrintable(QString("exit %1, wanted %2; stderr: %3").arg(r.code).arg(code).arg(r.err)));
    QVERIFY2(r.err.contains(mustMention, cs), qPrintable(r.err));
    if (code == 3)
        QVERIFY2(r.err.trimmed().count('\n') == 0, qPrintable("more than one line: " + r.err));
}

inline nlohmann::json parseOneJsonLine(const QString& out)
{
    const QString text = out.trimmed();
    if (text.isEmpty() || text.contains(QLatin1Char('\n')))
        return nullptr;
    return nlohmann::json::parse(text.toStdString(), nullptr, false);
}

/// True when `pid` has a handler installed for SIGINT (bit 2 of SigCgt in /proc/pid/status).
inline bool catchesSigint(qint64 pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("SigCgt:", 0) == 0)
            return (std::stoull(line.substr(7), nullptr, 16) >> (SIGINT - 1)) & 1;
    return false;
}

} // namespace phaselab::test
