//! `https`: the same program, with https as the default scheme.

fn main() {
    let code = courier::app::main(courier::app::Program::Https, std::env::args_os().collect());
    std::process::exit(code);
}
