#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <phaselab/core/error.h>

namespace phaselab::core {

/// An allocator that default-initialises (leaves trivial values uninitialised) instead of
/// zero-filling, for buffers that are overwritten at once.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() noexcept = default;
    template <typename U>
    DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept
    {
    }
    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

/// Tag for Image's constructor that leaves the pixels uninitialised.
struct NoInit {};
inline constexpr NoInit kNoInit{};

/// A 2D image of `height` rows × `width` columns, stored row-major (x fastest), shape [H, W].
/// A value type: copies are deep, moves are cheap. Index with (x, y) = (column, row).
template <typename T>
class Image {
public:
    using value_type = T;

    Image() = default;
    Image(int width, int height, T fill = T{})
        : m_width(width), m_height(height),
          m_data(checkedSize(width, height), fill)
    {
    }
    /// An image whose pixels the caller overwrites at once (no zero-fill pass).
    Image(int width, int height, NoInit)
        : m_width(width), m_height(height), m_data(checkedSize(width, height))
    {
    }

    [[nodiscard]] int width() const noexcept { return m_width; }
    [[nodiscard]] int height() const noexcept { return m_height; }
    [[nodiscard]] std::size_t size() const noexcept { return m_data.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_data.empty(); }
    [[nodiscard]] bool sameShape(const Image& o) const noexcept
    {
        return m_width == o.m_width && m_height == o.m_height;
    }
    template <typename U>
    [[nodiscard]] bool sameShape(const Image<U>& o) const noexcept
    {
        return m_width == o.width() && m_height == o.height();
    }

    [[nodiscard]] T* data() noexcept { return m_data.data(); }
    [[nodiscard]] const T* data() const noexcept { return m_data.data(); }
    [[nodiscard]] T* row(int y) noexcept { return m_data.data() + std::size_t(y) * m_width; }
    [[nodiscard]] const T* row(int y) const noexcept
    {
        return m_data.data() + std::size_t(y) * m_width;
    }
    T& operator()(int x, int y) noexcept { return m_data[std::size_t(y) * m_width + x]; }
    const T& operator()(int x, int y) const noexcept
    {
        return m_data[std::size_t(y) * m_width + x];
    }
    T& operator[](std::size_t i) noexcept { return m_data[i]; }
    const T& operator[](std::size_t i) const noexcept { return m_data[i]; }

    auto begin() noexcept { return m_data.begin(); }
    auto end() noexcept { return m_data.end(); }
    auto begin() const noexcept { return m_data.begin(); }
    auto end() const noexcept { return m_data.end(); }

    void fill(T v)
    {
        for (auto& x : m_data)
            x = v;
    }

    /// Element-wise conversion to another value type.
    template <typename U>
    [[nodiscard]] Image<U> cast() const
    {
        Image<U> out(m_width, m_height, kNoInit);
        for (std::size_t i = 0; i < m_data.size(); ++i)
            out[i] = static_cast<U>(m_data[i]);
        return out;
    }

private:
    static std::size_t checkedSize(int width, int height);

    int m_width = 0;
    int m_height = 0;
    std::vector<T, DefaultInitAllocator<T>> m_data;
};

using ImageF = Image<float>;
using ImageD = Image<double>;

/// Throws std::invalid_argument for negative sizes. Defined inline to keep Image header-only.
template <typename T>
std::size_t Image<T>::checkedSize(int width, int height)
{
    if (width < 0 || height < 0)
        throw std::invalid_argument("Image: negative size");
    return std::size_t(width) * std::size_t(height);
}

/// Statistics of an image's finite values; `nonFinite` counts NaN and ±Inf pixels.
struct ImageStats {
    double min = 0, max = 0, mean = 0;
    std::size_t nonFinite = 0;
};

template <typename T>
ImageStats imageStats(const Image<T>& img);

/// Throws InputError("<what>: N non-finite (NaN/Inf) pixels") when the image has any.
template <typename T>
void requireFinite(const Image<T>& img, const std::string& what);

/// Throws InputError unless both images have the same shape.
template <typename A, typename B>
void requireSameShape(const Image<A>& a, const Image<B>& b, const std::string& what)
{
    if (!a.sameShape(b))
        throw InputError(what + ": shapes differ (" + std::to_string(a.width()) + "×" +
                                    std::to_string(a.height()) + " vs " + std::to_string(b.width()) +
                                    "×" + std::to_string(b.height()) + ")");
}

} // namespace phaselab::core
