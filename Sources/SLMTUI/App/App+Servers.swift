import Foundation
import SLMAgent

extension App {
    /// `/server`: lists the servers and whether they answer; `/server add` checks the entry,
    /// keeps it in config.json and opens the picker on its models; `/server rm` forgets one.
    func runServerCommand(_ action: SlashCommand.ServerAction) {
        switch action {
        case .list:
            let servers = services.settings.servers ?? []
            guard !servers.isEmpty else {
                state.modal = .listing(AppState.Listing(title: "Servers", lines: [
                    "(none yet)", "", "/server add NAME URL [openai|ollama] adds one, e.g.",
                    "/server add box http://box:11434 ollama", "Its models then show in the picker as model@NAME."]))
                return
            }
            background { services, inbox in
                let offered = await services.assistant.serverModels()
                inbox.post(.serverModels(offered))
                let lines = offered.map { entry in
                    let state = entry.error.map { "unreachable: \($0.description)" } ?? "\(entry.models.count) models"
                    return "\(entry.server.name)  \(entry.server.url)  \(state)"
                }
                inbox.post(.listing(AppState.Listing(title: "Servers", lines: lines + ["", "/server rm NAME forgets one"])))
            }
        case .add(let name, let url, let api):
            let server = ModelServer(name: name, url: url, api: api)
            if let problem = server.problem {
                state.notice = AppState.Notice(text: problem, isError: true)
                return
            }
            var servers = services.settings.servers ?? []
            servers.removeAll { $0.name == name }
            servers.append(server)
            services.settings.servers = servers
            saveSettings()
            let saved = services.settingsProblems.isEmpty ? "" : " (not saved: config.json has problems to fix first)"
            background { services, inbox in
                try await services.assistant.addServer(server)
                inbox.post(.notice("server \(name) added\(saved); asking it for its models…", isError: false))
                inbox.post(.serverModels(await services.assistant.serverModels()))
            }
            openModelPicker(filter: "@" + name)
        case .remove(let name):
            guard (services.settings.servers ?? []).contains(where: { $0.name == name }) else {
                state.notice = AppState.Notice(text: "there is no server \(name)", isError: true)
                return
            }
            services.settings.servers?.removeAll { $0.name == name }
            serverModels.removeAll { $0.server.name == name }
            saveSettings()
            background { services, inbox in
                _ = await services.assistant.removeServer(name)
                inbox.post(.notice("server \(name) forgotten", isError: false))
            }
        }
    }
}
