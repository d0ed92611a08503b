/* The order of a contraction hierarchy: nested dissection with inertial-flow separators.
 *
 * A part of the graph is cut by the smallest vertex separator of four max-flow problems: the
 * nodes sorted along x, y or a diagonal, the first quarter a source, the last quarter a sink,
 * unit capacity through every other node (Schild and Sommer, "On Balanced Separators in Road
 * Networks", 2015). The separator is ranked above both sides, which are ordered the same way in
 * turn. Small separators make a hierarchy with few arcs and a low elimination tree, which is
 * what keeps customization and queries fast; where a city has natural narrow places (bridges,
 * underpasses, the links between the bench's tiles) the flow finds them.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_hierarchy.h"

typedef struct { double key; int32_t node; } Keyed;

static int by_key(const void *a, const void *b) {
    double x = ((const Keyed *)a)->key, y = ((const Keyed *)b)->key;
    if (x != y) return x < y ? -1 : 1;
    return ((const Keyed *)a)->node - ((const Keyed *)b)->node;
}

static int by_int(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

typedef struct {           /* what ordering needs: the undirected graph, coordinates, scratch */
    const int64_t *adj_ptr;
    const int32_t *adj;
    const int64_t *rev;    /* the entry (w, v) of each entry (v, w) */
    const double *x, *y;
    int8_t *side;          /* 0 outside the part being cut, 1 left, 2 right */
    Keyed *keyed;
    int32_t *rank;
    /* the flow cut's scratch: per node and state (2v: in, 2v + 1: out), per adjacency entry */
    int8_t *role;          /* 0 outside the part, 1 inside, 2 source set, 3 sink set */
    int32_t *through;      /* flow through a node (0 or 1) */
    int32_t *edge_flow;    /* flow on the arc out(v) -> in(w) of entry (v, w) */
    uint32_t *seen;
    uint32_t gen;
    int32_t *queue;
    int64_t *came;         /* the state before, times 2^32, plus the entry used + 1 (0: none) */
} Cut;

#define LEAF_PART 24       /* parts this small are cut by coordinates only */


/* An augmenting path from the source set to the sink set in the residual graph of the node-split
 * part (unit capacity through every node outside both sets); augments along it. Returns 1 if
 * one was found, 0 if none (the states reached are then those with seen == gen). */
static int augment(Cut *c, const int32_t *nodes, int32_t count) {
    if (++c->gen == 0) { c->gen = 1; }
    int32_t head = 0, tail = 0;
    for (int32_t i = 0; i < count; i++) {
        int32_t v = nodes[i];
        if (c->role[v] != 2) continue;
        c->seen[2 * v] = c->seen[2 * v + 1] = c->gen;
        c->came[2 * v + 1] = -1;
        c->queue[tail++] = 2 * v + 1;
    }
    int32_t found = -1;
    while (head < tail && found < 0) {
        int32_t st = c->queue[head++], v = st >> 1;
        int out = st & 1;
        if (out) {
            for (int64_t k = c->adj_ptr[v]; k < c->adj_ptr[v + 1]; k++) {
                int32_t w = c->adj[k];
                if (c->role[w] == 0 || c->role[w] == 2 || c->seen[2 * w] == c->gen) continue;
                c->seen[2 * w] = c->gen;
                c->came[2 * w] = ((int64_t)st << 32) | (k + 1);
                if (c->role[w] == 3) { found = 2 * w; break; }
                c->queue[tail++] = 2 * w;
            }
            if (c->role[v] == 1 && c->through[v] > 0 && c->seen[2 * v] != c->gen) {
                c->seen[2 * v] = c->gen;
                c->came[2 * v] = (int64_t)st << 32;
                c->queue[tail++] = 2 * v;
            }
        } else {
            if (c->through[v] == 0 && c->seen[2 * v + 1] != c->gen) {
                c->seen[2 * v + 1] = c->gen;
                c->came[2 * v + 1] = (int64_t)st << 32;
                c->queue[tail++] = 2 * v + 1;
            }
            for (int64_t k = c->adj_ptr[v]; k < c->adj_ptr[v + 1]; k++) {
                int32_t w = c->adj[k];  /* back along a used arc out(w) -> in(v) */
                if (c->role[w] == 0 || c->seen[2 * w + 1] == c->gen) continue;
                if (c->edge_flow[c->rev[k]] <= 0) continue;
                c->seen[2 * w + 1] = c->gen;
                c->came[2 * w + 1] = ((int64_t)st << 32) | (k + 1);
                c->queue[tail++] = 2 * w + 1;
            }
        }
    }
    if (found < 0) return 0;
    for (int32_t st = found; c->came[st] != -1;) {
        int64_t before = c->came[st] >> 32, k = (c->came[st] & 0xffffffff) - 1;
        int32_t v = st >> 1;
        if (k < 0) {                       /* along v's own arc: in -> out adds, out -> in takes */
            c->through[v] += (st & 1) ? 1 : -1;
        } else if (st & 1) {               /* in(u) -> out(v) backwards over out(v) -> in(u) */
            c->edge_flow[c->rev[k]] -= 1;
        } else {                           /* out(u) -> in(v) */
            c->edge_flow[k] += 1;
        }
        st = (int32_t)before;
    }
    return 1;
}

/* A small vertex separator of nodes[0..count) by max flow between the first and the last
 * quarter of the nodes along one direction (inertial flow). On success the nodes are reordered
 * as [source side | sink side | separator] and their sizes returned in parts; -1 when the
 * flow exceeds `limit` (the caller has a better cut already or falls back to coordinates). */
static int32_t flow_cut(Cut *c, int32_t *nodes, int32_t count, double dx, double dy,
                        int32_t limit, int32_t parts[3]) {
    for (int32_t i = 0; i < count; i++) {
        int32_t v = nodes[i];
        c->keyed[i].key = dx * c->x[v] + dy * c->y[v];
        c->keyed[i].node = v;
    }
    qsort(c->keyed, count, sizeof(Keyed), by_key);
    int32_t quarter = count / 4;
    for (int32_t i = 0; i < count; i++) {
        int32_t v = c->keyed[i].node;
        c->role[v] = i < quarter ? 2 : (i >= count - quarter ? 3 : 1);
        c->through[v] = 0;
        for (int64_t k = c->adj_ptr[v]; k < c->adj_ptr[v + 1]; k++) c->edge_flow[k] = 0;
    }
    int32_t flow = 0;
    while (augment(c, nodes, count)) {
        if (++flow > limit) break;
    }
    if (flow > limit) {
        for (int32_t i = 0; i < count; i++) c->role[nodes[i]] = 0;
        return -1;
    }
    /* the states reached by the last (failed) search: a node whose in-state was reached and
     * out-state not is on the cut, the other reached ones are the source side */
    int32_t *all = c->queue;   /* free once the flow is known */
    memcpy(all, nodes, (size_t)count * sizeof(int32_t));
    int32_t at = 0;
    parts[0] = parts[1] = parts[2] = 0;
    for (int pass = 0; pass < 3; pass++) {
        for (int32_t i = 0; i < count; i++) {
            int32_t v = all[i];
            int in = c->seen[2 * v] == c->gen, out = c->seen[2 * v + 1] == c->gen;
            int cls = (in && !out) ? 2 : ((in || out) ? 0 : 1);
            if (cls == pass) { nodes[at++] = v; parts[pass]++; }
        }
    }
    for (int32_t i = 0; i < count; i++) c->role[nodes[i]] = 0;
    return flow;
}

/* The fallback cut: halves by the longer coordinate, the separator the border of one half
 * (the smaller border); nodes reordered as [left | right | separator]. */
static void bisect_cut(Cut *c, int32_t *nodes, int32_t count, int32_t parts[3]) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int32_t i = 0; i < count; i++) {
        int32_t v = nodes[i];
        if (c->x[v] < x0) x0 = c->x[v];
        if (c->x[v] > x1) x1 = c->x[v];
        if (c->y[v] < y0) y0 = c->y[v];
        if (c->y[v] > y1) y1 = c->y[v];
    }
    const double *coord = (x1 - x0) >= (y1 - y0) ? c->x : c->y;
    for (int32_t i = 0; i < count; i++) {
        c->keyed[i].key = coord[nodes[i]];
        c->keyed[i].node = nodes[i];
    }
    qsort(c->keyed, count, sizeof(Keyed), by_key);
    int32_t half = count / 2;
    for (int32_t i = 0; i < count; i++) {
        nodes[i] = c->keyed[i].node;
        c->side[nodes[i]] = i < half ? 1 : 2;
    }
    int32_t border[2] = {0, 0};
    for (int32_t i = 0; i < count; i++) {
        int32_t v = nodes[i], s = c->side[v];
        for (int64_t k = c->adj_ptr[v]; k < c->adj_ptr[v + 1]; k++) {
            int32_t w = c->adj[k];
            if (c->side[w] != 0 && c->side[w] != s) { border[s - 1]++; break; }
        }
    }
    int8_t sep_side = border[0] <= border[1] ? 1 : 2;
    int32_t a = 0, sep = 0;
    int32_t *tmp = c->queue;
    for (int32_t i = 0; i < count; i++) {
        int32_t v = nodes[i];
        int is_sep = 0;
        if (c->side[v] == sep_side) {
            for (int64_t k = c->adj_ptr[v]; k < c->adj_ptr[v + 1]; k++) {
                int32_t w = c->adj[k];
                if (c->side[w] != 0 && c->side[w] != sep_side) { is_sep = 1; break; }
            }
        }
        if (is_sep) tmp[sep++] = v;
        else nodes[a++] = v;
    }
    for (int32_t i = 0; i < sep; i++) nodes[a + i] = tmp[i];
    for (int32_t i = 0; i < count; i++) c->side[nodes[i]] = 0;
    parts[0] = sep_side == 1 ? half - sep : half;
    parts[1] = a - parts[0];
    parts[2] = sep;
}

/* Ranks lo .. lo+count-1 for nodes[0..count): the two sides first, the separator on top.
 * The separator is the smallest of four flow cuts (along x, y and both diagonals); tiny parts
 * and parts no flow cut fits are cut by coordinates. Returns -1 when memory runs out. */
static int dissect(Cut *c, int32_t *nodes, int32_t count, int32_t lo) {
    if (count <= 2) {
        for (int32_t i = 0; i < count; i++) c->rank[nodes[i]] = lo + i;
        return 0;
    }
    int32_t parts[3];
    int cut = 0;
    if (count > LEAF_PART) {
        static const double dirs[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
        int32_t *best = malloc((size_t)count * sizeof(int32_t));
        if (!best) return -1;
        int32_t best_flow = count / 2, best_parts[3] = {0, 0, 0};
        for (int d = 0; d < 4; d++) {
            int32_t flow = flow_cut(c, nodes, count, dirs[d][0], dirs[d][1], best_flow, parts);
            if (flow < 0) continue;
            int32_t small = parts[0] < parts[1] ? parts[0] : parts[1];
            int32_t best_small = best_parts[0] < best_parts[1] ? best_parts[0] : best_parts[1];
            if (!cut || flow < best_flow || (flow == best_flow && small > best_small)) {
                memcpy(best, nodes, (size_t)count * sizeof(int32_t));
                memcpy(best_parts, parts, sizeof(parts));
                best_flow = flow;
                cut = 1;
            }
        }
        if (cut) {
            memcpy(nodes, best, (size_t)count * sizeof(int32_t));
            memcpy(parts, best_parts, sizeof(parts));
        }
        free(best);
    }
    if (!cut) bisect_cut(c, nodes, count, parts);
    for (int32_t i = 0; i < parts[2]; i++) c->rank[nodes[parts[0] + parts[1] + i]] = lo + parts[0] + parts[1] + i;
    if (dissect(c, nodes, parts[0], lo)) return -1;
    return dissect(c, nodes + parts[0], parts[1], lo + parts[0]);
}

/* rank[v] for every node (0 lowest): 0, or -1 when memory runs out. */
int lotse_cch_order(int32_t n, int64_t m, const int32_t *edge_u, const int32_t *edge_v,
                    const double *x, const double *y, int32_t *rank) {
    int rc = -1;
    int64_t *deg_ptr = calloc((size_t)n + 1, sizeof(int64_t));
    int32_t *adj = malloc((size_t)(2 * m + 1) * sizeof(int32_t));
    int32_t *nodes = malloc(((size_t)n + 1) * sizeof(int32_t));
    Keyed *keyed = malloc(((size_t)n + 1) * sizeof(Keyed));
    int8_t *side = calloc((size_t)n + 1, 1);
    int64_t *rev = NULL, *came = NULL;
    int8_t *role = NULL;
    int32_t *through = NULL, *edge_flow = NULL, *queue = NULL;
    uint32_t *seen = NULL;
    if (!deg_ptr || !adj || !nodes || !keyed || !side) goto done;
    /* the undirected adjacency (self-loops never help a shortest path) */
    for (int64_t e = 0; e < m; e++) {
        if (edge_u[e] == edge_v[e]) continue;
        deg_ptr[edge_u[e] + 1]++;
        deg_ptr[edge_v[e] + 1]++;
    }
    for (int32_t v = 0; v < n; v++) deg_ptr[v + 1] += deg_ptr[v];
    {
        int64_t *fill = malloc(((size_t)n + 1) * sizeof(int64_t));
        if (!fill) goto done;
        memcpy(fill, deg_ptr, (size_t)n * sizeof(int64_t));
        for (int64_t e = 0; e < m; e++) {
            if (edge_u[e] == edge_v[e]) continue;
            adj[fill[edge_u[e]]++] = edge_v[e];
            adj[fill[edge_v[e]]++] = edge_u[e];
        }
        free(fill);
    }
    /* each neighbour once, sorted (parallel edges are one link for the order) */
    int64_t kept = 0;
    for (int32_t v = 0; v < n; v++) {
        int64_t start = deg_ptr[v], end = deg_ptr[v + 1];
        if (end - start > 1) qsort(adj + start, (size_t)(end - start), sizeof(int32_t), by_int);
        deg_ptr[v] = kept;
        for (int64_t k = start; k < end; k++)
            if (k == start || adj[k] != adj[k - 1]) adj[kept++] = adj[k];
    }
    deg_ptr[n] = kept;
    rev = malloc(((size_t)kept + 1) * sizeof(int64_t));
    role = calloc((size_t)n + 1, 1);
    through = calloc((size_t)n + 1, sizeof(int32_t));
    edge_flow = calloc((size_t)kept + 1, sizeof(int32_t));
    seen = calloc(2 * (size_t)n + 2, sizeof(uint32_t));
    queue = malloc((2 * (size_t)n + 2) * sizeof(int32_t));
    came = malloc((2 * (size_t)n + 2) * sizeof(int64_t));
    if (!rev || !role || !through || !edge_flow || !seen || !queue || !came) goto done;
    for (int32_t v = 0; v < n; v++) {
        for (int64_t k = deg_ptr[v]; k < deg_ptr[v + 1]; k++) {
            int32_t w = adj[k];
            int64_t lo = deg_ptr[w], hi = deg_ptr[w + 1];
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (adj[mid] < v) lo = mid + 1; else hi = mid;
            }
            rev[k] = lo;
        }
    }
    for (int32_t v = 0; v < n; v++) nodes[v] = v;
    Cut cut = {deg_ptr, adj, rev, x, y, side, keyed, rank, role, through, edge_flow, seen, 0,
               queue, came};
    if (dissect(&cut, nodes, n, 0)) goto done;
    rc = 0;
done:
    free(deg_ptr); free(adj); free(nodes); free(keyed); free(side);
    free(rev); free(role); free(through); free(edge_flow); free(seen); free(queue); free(came);
    return rc;
}
