//! `http`: see the library crate.

fn main() {
    let code = courier::app::main(courier::app::Program::Http, std::env::args_os().collect());
    std::process::exit(code);
}
