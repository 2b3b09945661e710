#pragma once
// Private to core/src/io: a read-only file with bounds-checked positional reads, for the readers
// that parse headers themselves (TIFF directory chains, EDF, raster headers).

#include <phaselab/core/error.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace phaselab::core::io {

class RawFile {
public:
    /// Opens `path`; throws InputError("<path>: …") when it cannot be opened or is not a file.
    explicit RawFile(const std::string& path) : m_path(path)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(m_fd);
            m_fd = -1;
            throw InputError(path + ": not a regular file");
        }
        m_size = std::uint64_t(st.st_size);
    }
    ~RawFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }
    [[nodiscard]] const std::string& path() const noexcept { return m_path; }

    /// Reads exactly n bytes at `offset`, or returns false (past the end, I/O error).
    bool readAt(std::uint64_t offset, void* dst, std::size_t n) const
    {
        if (offset > m_size || n > m_size - offset)
            return false;
        auto* p = static_cast<std::uint8_t*>(dst);
        while (n > 0) {
            const ssize_t got = ::pread(m_fd, p, n, off_t(offset));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return false;
            p += got;
            n -= std::size_t(got);
            offset += std::uint64_t(got);
        }
        return true;
    }

    /// Up to n bytes at `offset` (fewer at the end of the file).
    std::string readSome(std::uint64_t offset, std::size_t n) const
    {
        if (offset >= m_size)
            return {};
        n = std::size_t(std::min<std::uint64_t>(n, m_size - offset));
        std::string s(n, '\0');
        if (!readAt(offset, s.data(), n))
            return {};
        return s;
    }

private:
    std::string m_path;
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

} // namespace phaselab::core::io
