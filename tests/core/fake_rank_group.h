#pragma once
// An in-process RankGroup for tests: each "rank" is a thread holding its own FakeRankGroup, and
// the ranks meet in a shared Mailbox (mutex + condition variable). Every collective is one
// exchange: each rank posts bytes, and once all have posted each gets every rank's post.

#include <phaselab/core/rank_group.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

namespace phaselab::test {

class Mailbox {
public:
    explicit Mailbox(int size) : m_size(size), m_posts(std::size_t(size)) {}

    [[nodiscard]] int size() const { return m_size; }

    /// Posts `mine` for `rank` and returns every rank's post of this collective.
    std::vector<std::vector<std::uint8_t>> exchange(int rank, std::vector<std::uint8_t> mine)
    {
        const auto timeout = std::chrono::seconds(60);
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_cv.wait_for(lock, timeout, [&] { return !m_draining; }))
            throw core::RankGroupError("rank " + std::to_string(rank) + ": previous collective stuck");
        m_posts[std::size_t(rank)] = std::move(mine);
        if (++m_arrived == m_size) {
            m_draining = true;
            m_cv.notify_all();
        } else if (!m_cv.wait_for(lock, timeout, [&] { return m_draining; })) {
            throw core::RankGroupError("rank " + std::to_string(rank) + ": collective timed out");
        }
        std::vector<std::vector<std::uint8_t>> all = m_posts;
        if (++m_left == m_size) {
            m_arrived = m_left = 0;
            m_draining = false;
            m_cv.notify_all();
        }
        return all;
    }

private:
    int m_size;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::vector<std::uint8_t>> m_posts;
    int m_arrived = 0, m_left = 0;
    bool m_draining = false;
};

class FakeRankGroup final : public core::RankGroup {
public:
    FakeRankGroup(Mailbox& box, int rank) : m_box(box), m_rank(rank) {}

    [[nodiscard]] int rank() const override { return m_rank; }
    [[nodiscard]] int size() const override { return m_box.size(); }

    void gather(const std::vector<float>& mine, std::vector<float>& all) override
    {
        std::vector<std::uint8_t> bytes(mine.size() * sizeof(float));
        std::memcpy(bytes.data(), mine.data(), bytes.size());
        const auto posts = m_box.exchange(m_rank, std::move(bytes));
        if (m_rank != 0)
            return;
        all.clear();
        for (const auto& p : posts) {
            if (p.size() != mine.size() * sizeof(float))
                throw core::RankGroupError("gather: buffers of different lengths");
            const std::size_t at = all.size();
            all.resize(at + mine.size());
            std::memcpy(all.data() + at, p.data(), p.size());
        }
    }
    void broadcast(std::vector<std::uint8_t>& bytes) override
    {
        auto posts = m_box.exchange(m_rank, bytes);
        if (m_rank != 0)
            bytes = std::move(posts[0]);
    }
    bool any(bool mine) override
    {
        const auto posts = m_box.exchange(m_rank, {std::uint8_t(mine ? 1 : 0)});
        for (const auto& p : posts)
            if (p.at(0))
                return true;
        return false;
    }
    void barrier() override { m_box.exchange(m_rank, {}); }

private:
    Mailbox& m_box;
    int m_rank;
};

} // namespace phaselab::test
