/*
 * Double precision: the classic five-body simulation of the Jovian planets
 * (symplectic Euler steps with fsqrt.d, fdiv.d and fused multiply-adds), its
 * energy before and after.
 */
#include "bench.h"

#define BODY_COUNT 5
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define TIME_STEP 0.01

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static const struct body initial_bodies[BODY_COUNT] = {
    { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
      -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
      2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
      -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
      -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
};

static struct body bodies[BODY_COUNT];

static uint64_t bits_of(double value)
{
    union { double d; uint64_t u; } pun = { .d = value };
    return pun.u;
}

static void offset_momentum(void)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < BODY_COUNT; i++) {
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    bodies[0].vx = -px / SOLAR_MASS;
    bodies[0].vy = -py / SOLAR_MASS;
    bodies[0].vz = -pz / SOLAR_MASS;
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < BODY_COUNT; i++) {
        const struct body *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < BODY_COUNT; j++) {
            double dx = b->x - bodies[j].x;
            double dy = b->y - bodies[j].y;
            double dz = b->z - bodies[j].z;
            e -= b->mass * bodies[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(double dt)
{
    for (int i = 0; i < BODY_COUNT; i++) {
        struct body *b = &bodies[i];
        for (int j = i + 1; j < BODY_COUNT; j++) {
            struct body *other = &bodies[j];
            double dx = b->x - other->x;
            double dy = b->y - other->y;
            double dz = b->z - other->z;
            double distance_squared = dx * dx + dy * dy + dz * dz;
            double magnitude = dt / (distance_squared * __builtin_sqrt(distance_squared));
            b->vx -= dx * other->mass * magnitude;
            b->vy -= dy * other->mass * magnitude;
            b->vz -= dz * other->mass * magnitude;
            other->vx += dx * b->mass * magnitude;
            other->vy += dy * b->mass * magnitude;
            other->vz += dz * b->mass * magnitude;
        }
    }
    for (int i = 0; i < BODY_COUNT; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

uint64_t bench_nbody(unsigned steps)
{
    memcpy(bodies, initial_bodies, sizeof bodies);
    offset_momentum();
    uint64_t digest = bits_of(energy());
    for (unsigned step = 0; step < steps; step++) {
        advance(TIME_STEP);
    }
    digest = digest_mix(digest, bits_of(energy()));
    for (int i = 0; i < BODY_COUNT; i++) {
        digest = digest_mix(digest, bits_of(bodies[i].x) ^ bits_of(bodies[i].vy));
    }
    return digest;
}
