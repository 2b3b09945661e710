#include <phaselab/core/atomic_file.h>

#include <phaselab/core/error.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

namespace phaselab::core {

namespace {

std::atomic<unsigned> g_counter{0};

void fsyncPath(const std::string& path, bool directory)
{
    const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

AtomicFile::AtomicFile(std::string target)
    : m_target(std::move(target))
{
    namespace fs = std::filesystem;
    const fs::path p(m_target);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw InputError(m_target + ": directory '" + dir.string() + "' does not exist");
    if (fs::is_directory(p, ec))
        throw InputError(m_target + ": is a directory");
    m_temp = (dir / ("." + p.filename().string() + ".part-" + std::to_string(::getpid()) + "-" +
                     std::to_string(g_counter.fetch_add(1))))
                 .string();
}

AtomicFile::~AtomicFile()
{
    if (!m_committed)
        std::remove(m_temp.c_str());
}

void AtomicFile::commit()
{
    namespace fs = std::filesystem;
    fsyncPath(m_temp, false);
    if (std::rename(m_temp.c_str(), m_target.c_str()) != 0) {
        const int err = errno;
        std::remove(m_temp.c_str());
        m_committed = true;
        throw InputError(m_target + ": cannot write (" + std::strerror(err) + ")");
    }
    m_committed = true;
    const fs::path p(m_target);
    fsyncPath(p.has_parent_path() ? p.parent_path().string() : ".", true);
}

} // namespace phaselab::core
