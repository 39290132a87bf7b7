//! The `portolan` command line: a thin shell over the library.

mod cli;

/// mimalloc: the PDF reader allocates and frees many small objects per page (operands, glyphs,
/// lines), a sixth of a worker's time under glibc malloc. Workers run under an address-space
/// limit, so they are started with small mimalloc arenas ([`portolan::isolate::WORKER_ARENA_RESERVE`]).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
